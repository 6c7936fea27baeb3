/**
 * `perftop/fastify`: times a Fastify app's hooks and route handlers per plugin, and records each plugin's
 * register time and memory as its load.
 *
 * Who added a hook: avvio loads plugins one at a time, and a plugin's function (until it calls `done` or its
 * promise settles) is the only code adding hooks and routes then. The adapter wraps every plugin function at
 * `register` (keeping the symbols Fastify reads on it: `skip-override`, `plugin-meta`, `fastify.display-name`)
 * and so always knows which plugin is running. A hook or route added while none runs belongs to the encapsulation
 * context it is added on: the plugin that context was created for, or the app itself, shown as `(app)`.
 * (`this.pluginName` cannot tell: it names the chain of plugins registered in a context, so at the root it ends
 * with whichever plugin was registered last.)
 *
 * Hooks that other plugins add to a route's options in an `onRoute` hook (as @fastify/rate-limit does) belong
 * to the plugin whose `onRoute` hook added them: each `onRoute` hook is wrapped, and the functions that appear
 * in the route options while it runs are timed under its plugin. The route's own hooks (and its handler, as an
 * operation named like `GET /orders/:id`) belong to the plugin that declared the route.
 *
 * Timing: a request hook that is not `async` is timed until it calls Fastify's `done` (what `done()` runs next,
 * the rest of the request's pipeline, is not charged to it), whatever its `length`, because Fastify passes
 * `done` to every such hook and waits for it; a promise it returns ends the timing too if it settles first, and
 * the call is counted once. A hook that answers the request itself (`reply.send()` in onRequest, preParsing,
 * preValidation or preHandler, without calling `done`, as @fastify/cors does for a preflight) is timed until the
 * reply's first send-phase hook starts, or until it returns with the reply sent, or at the latest until the
 * response has been sent (the adapter's own `onResponse` hook). `async` hooks are timed to their promise's
 * settlement; application hooks (onReady, onClose...) take `done` when their `length` says so, as Fastify
 * decides. A handler is timed to its return or its promise's settlement, or until the first send-phase hook of
 * its reply (preSerialization, onSend, onError) starts: `reply.send()` runs those at once, also from inside a
 * handler or a hook, and their time is theirs.
 * Every wrapper keeps the length, the prototype (an `async function` stays one) and the own
 * properties of the function it wraps, so Fastify's own checks (`FST_ERR_HOOK_INVALID_ASYNC_HANDLER`,
 * `FST_ERR_PLUGIN_INVALID_ASYNC_HANDLER`) see what they would see without the adapter.
 */
import type {FastifyInstance, FastifyPluginCallback} from 'fastify';
import type {PerformanceMonitor} from '../index.js';
import {
	ANSWERING,
	APPLICATION_DONE_AT,
	DISPLAY_NAME,
	LIFECYCLE_DONE_AT,
	LIFECYCLE_HOOKS,
	PLUGIN_META,
	SEND_PHASE,
	SKIP_OVERRIDE,
	copyFunctionTraits,
	hookFunctions,
	isAsyncFunction,
	restore,
	type AnyFunction,
	type Instance,
	type RouteOptions,
} from './fastify/hooks.js';
import {pluginName, runPlugin} from './fastify/plugins.js';

/** Options of {@link instrumentFastify} and of the {@link perftopFastify} plugin. */
export interface FastifyInstrumentationOptions {
	/** The monitor that records the hooks, handlers and plugin loads (see `PerformanceMonitor`). */
	monitor: PerformanceMonitor;
	/**
	 * The plugin name of hooks and routes that belong to the app itself (added outside any plugin).
	 * @default '(app)'
	 */
	appName?: string;
	/**
	 * The operation of the per-request total series, recorded from `reply.elapsedTime` when the response has
	 * been sent (an error for status 500 and above); `false` records none.
	 * @default 'request'
	 */
	requestOp?: string | false;
}

/** Apps already instrumented (a second call is a no-op). */
const instrumentedApps = new WeakSet<object>();

/**
 * Instruments a Fastify app: call it right after `Fastify()`, before any `register`. Every hook a plugin adds
 * (with `addHook`, or to route options from an `onRoute` hook) is timed under that plugin (op = the hook's name,
 * kind `hook`); every route's handler under the plugin that declared it (op `GET /orders/:id`, kind
 * `hook`, so a plugin's handlers count in its share of hook time, TIME%, as its hooks do); every plugin's register time (self time: plugins it registers are charged to themselves) and
 * heap growth are its load; and one `request` series gets each request's `reply.elapsedTime`.
 *
 * Returns the undo: plugins and hooks registered after it are no longer wrapped. Fastify cannot remove hooks,
 * so the ones already added keep recording (wrappers made before `monitor.disable()` keep recording too; an app
 * instrumented with a disabled monitor gets no wrapper and records nothing).
 *
 * @example
 * ```ts
 * const app = Fastify();
 * instrumentFastify(app, {monitor});
 * await app.register(cors);
 * ```
 */
export function instrumentFastify(app: FastifyInstance, options: FastifyInstrumentationOptions): () => void {
	const target = app as unknown as Instance;
	if (instrumentedApps.has(target)) return () => {};
	instrumentedApps.add(target);
	return new FastifyInstrumentation(target, options).undo;
}

/**
 * {@link instrumentFastify} as a Fastify plugin (it does not create an encapsulation context). It can only
 * see plugins registered after it has loaded, so await it first:
 *
 * ```ts
 * await app.register(perftopFastify, {monitor});
 * ```
 */
export const perftopFastify: FastifyPluginCallback<FastifyInstrumentationOptions> = Object.assign(
	function perftop(instance: FastifyInstance, options: FastifyInstrumentationOptions, done: (error?: Error) => void): void {
		instrumentFastify(instance, options);
		done();
	},
	{[SKIP_OVERRIDE]: true, [DISPLAY_NAME]: 'perftop', [PLUGIN_META]: {name: 'perftop'}},
);

/** The state of one instrumented app. */
class FastifyInstrumentation {
	readonly #monitor: PerformanceMonitor;
	readonly #appName: string;
	/** The plugin whose function is running now (avvio runs one at a time), or null. */
	#current: string | null = null;
	/** Encapsulation contexts by the plugin they were created for. */
	readonly #owners = new WeakMap<object, string>();
	/** Plugin wrappers by plugin function. */
	readonly #plugins = new WeakMap<AnyFunction, AnyFunction>();
	/** Functions this adapter made (never wrapped again). */
	readonly #made = new WeakSet<AnyFunction>();
	/**
	 * The end of the call in flight for a reply that may send it: its handler, or a hook that returned without
	 * calling `done` (it may answer later). `reply.send()` runs the send-phase hooks (preSerialization, onSend,
	 * onError) at once, also from inside a handler: the first of them to start ends that call's timing, so their
	 * time is theirs and not counted twice; the adapter's `onResponse` hook ends it at the latest. Weak: a reply
	 * whose call never ends is not kept.
	 */
	readonly #inFlight = new WeakMap<object, (error?: unknown) => void>();
	/**
	 * The answering hook (see ANSWERING) running now and its reply: a `reply.send()` inside it runs the send phase
	 * at once, whose first hook ends the answering hook's timing. Saved and put back around each call (calls nest
	 * when a hook's `done()` runs the next hooks).
	 */
	readonly #answering: {reply: object | null; end: (error?: unknown) => void} = {reply: null, end: () => {}};
	/** GET routes by declared handler and url: their op and declared hook functions (see #route). */
	readonly #getRoutes = new WeakMap<AnyFunction, Map<string, {op: string; hooks: Set<unknown>}>>();
	#anonymous = 0;
	readonly undo: () => void;

	constructor(app: Instance, options: FastifyInstrumentationOptions) {
		this.#monitor = options.monitor;
		this.#appName = options.appName ?? '(app)';
		const originalRegister = app.register;
		const originalAddHook = app.addHook;
		const registerOwn = Object.getOwnPropertyDescriptor(app, 'register');
		const addHookOwn = Object.getOwnPropertyDescriptor(app, 'addHook');
		const self = this;
		// Own properties of the instance given; encapsulation contexts created later inherit them.
		Object.defineProperty(app, 'register', {
			value: function register(this: unknown, plugin: unknown, pluginOptions: unknown) {
				return originalRegister.call(this, self.#plugin(plugin), pluginOptions);
			},
			writable: true,
			configurable: true,
			enumerable: registerOwn?.enumerable ?? true,
		});
		Object.defineProperty(app, 'addHook', {
			value: function addHook(this: object, name: unknown, fn: unknown) {
				return originalAddHook.call(this, name, self.#hook(this, name, fn));
			},
			writable: true,
			configurable: true,
			enumerable: addHookOwn?.enumerable ?? true,
		});
		// The adapter's own hooks, added first: its onRoute hook sees each route's options before any plugin's.
		// Fastify refuses hooks once the app has started; the app then runs uninstrumented (a fault says why).
		try {
			originalAddHook.call(app, 'onRoute', function perftopRoute(this: object, route: RouteOptions) {
				self.#route(this, route);
			});
			this.#addRequestHook(app, originalAddHook, options.requestOp ?? 'request');
		} catch (error) {
			this.#monitor.faults.report('plugin-wrap', error);
		}
		let undone = false;
		this.undo = () => {
			if (undone) return;
			undone = true;
			restore(app, 'register', registerOwn);
			restore(app, 'addHook', addHookOwn);
		};
	}

	/**
	 * The adapter's `onResponse` hook: ends the call still in flight for the reply (a hook that answered later
	 * without calling `done`, see #inFlight), and records `reply.elapsedTime` into `requestOp`'s series, resolved
	 * once (no lookup per request; `requestOp: false` records none). A disabled monitor gets no hook at all.
	 */
	#addRequestHook(app: Instance, addHook: AnyFunction, requestOp: string | false): void {
		if (!this.#monitor.enabled) return;
		const series = requestOp === false ? null : this.#monitor.series(requestOp, null, 'operation');
		const faults = this.#monitor.faults;
		const inFlight = this.#inFlight;
		addHook.call(app, 'onResponse', function perftopRequest(_request: unknown, reply: {elapsedTime: number; statusCode: number}, done: () => void) {
			try {
				const end = inFlight.get(reply);
				if (end !== undefined) {
					inFlight.delete(reply);
					end();
				}
				if (series !== null) {
					if (reply.statusCode >= 500) series.recordError(reply.elapsedTime * 1e6);
					else series.record(reply.elapsedTime * 1e6);
				}
			} catch (error) {
				faults.report('record', error);
			}
			done();
		});
	}

	/** Who a hook or route added now on `instance` belongs to. */
	#ownerOf(instance: object): string {
		if (this.#current !== null) return this.#current;
		for (let at: object | null = instance; at !== null; at = Object.getPrototypeOf(at) as object | null) {
			const owner = this.#owners.get(at);
			if (owner !== undefined) return owner;
		}
		return this.#appName;
	}

	// ---- plugins ----

	/** What `register` gets instead of `plugin`: a function, a bundled module or a promise of one, wrapped. */
	#plugin(plugin: unknown): unknown {
		try {
			if (typeof plugin === 'function') return this.#pluginWrapper(plugin as AnyFunction);
			if (plugin !== null && typeof plugin === 'object') {
				const inner = (plugin as {default?: unknown}).default;
				if (typeof inner === 'function') return this.#pluginWrapper(inner as AnyFunction);
				if (typeof (plugin as {then?: unknown}).then === 'function') {
					// `register(import('./plugin.js'))`: avvio takes the module's default export when it resolves.
					return (plugin as PromiseLike<unknown>).then(loaded => {
						const fn = loaded !== null && typeof loaded === 'object' && typeof (loaded as {default?: unknown}).default === 'function' ? (loaded as {default: AnyFunction}).default : loaded;
						return typeof fn === 'function' ? this.#safeWrapper(fn as AnyFunction) : loaded;
					});
				}
			}
		} catch (error) {
			this.#monitor.faults.report('plugin-wrap', error);
		}
		return plugin;
	}

	#safeWrapper(fn: AnyFunction): AnyFunction {
		try {
			return this.#pluginWrapper(fn);
		} catch (error) {
			this.#monitor.faults.report('plugin-wrap', error);
			return fn;
		}
	}

	/** The wrapper of a plugin function: the same one for the same function. */
	#pluginWrapper(fn: AnyFunction): AnyFunction {
		if (this.#made.has(fn)) return fn;
		const known = this.#plugins.get(fn);
		if (known !== undefined) return known;
		const {name, file} = pluginName(fn, () => ++this.#anonymous);
		const encapsulated = !(fn as unknown as Record<symbol, unknown>)[SKIP_OVERRIDE];
		const self = this;
		const wrapper = function (this: unknown, instance: object, pluginOptions: unknown, done: (error?: unknown) => void): unknown {
			const previous = self.#current;
			self.#current = name;
			if (encapsulated && instance !== null && typeof instance === 'object') self.#owners.set(instance, name);
			return runPlugin(self.#monitor, fn, name, file, () => (self.#current = previous), this, instance, pluginOptions, done);
		};
		copyFunctionTraits(fn, wrapper, this.#monitor.faults);
		// Fastify names a plugin by the module that exports it when nothing else names it; the wrapper is no
		// module's export, so it carries that name explicitly.
		if (file !== null && (fn as unknown as Record<symbol, unknown>)[DISPLAY_NAME] === undefined) {
			Object.defineProperty(wrapper, DISPLAY_NAME, {value: file, configurable: true, writable: true, enumerable: false});
		}
		this.#plugins.set(fn, wrapper);
		this.#made.add(wrapper);
		return wrapper;
	}

	// ---- hooks ----

	/** What `addHook(name, fn)` gets instead of `fn` on `instance`. */
	#hook(instance: object, name: unknown, fn: unknown): unknown {
		if (typeof fn !== 'function' || typeof name !== 'string' || this.#made.has(fn as AnyFunction)) return fn;
		try {
			const owner = this.#ownerOf(instance);
			if (name === 'onRoute') return this.#onRouteWrapper(fn as AnyFunction, owner);
			const doneAt = LIFECYCLE_DONE_AT[name] ?? APPLICATION_DONE_AT[name];
			// An unknown hook name: Fastify rejects it with its own error.
			if (doneAt === undefined) return fn;
			return this.#timedHook(fn as AnyFunction, name, owner, doneAt);
		} catch (error) {
			this.#monitor.faults.report('plugin-wrap', error);
			return fn;
		}
	}

	/**
	 * A hook timed under `owner` (see the file comment): a request hook that is not async until its `done`, an
	 * answering one (see ANSWERING) also until it answers, an application hook until its `done` when its length
	 * declares one, any other as a call. A send-phase hook first ends the timing of the call in flight for its
	 * reply, if any (the answering hook running now, the handler, or a hook that answered later).
	 */
	#timedHook(fn: AnyFunction, name: string, owner: string, doneAt: number): AnyFunction {
		if (this.#made.has(fn) || this.#monitor.unwrap(fn) !== fn || !this.#monitor.enabled) return fn;
		const lifecycle = LIFECYCLE_DONE_AT[name] !== undefined;
		const takesDone = doneAt >= 0 && !isAsyncFunction(fn) && (lifecycle || fn.length > doneAt);
		if (takesDone && ANSWERING.has(name)) return this.#answeringHook(fn, name, owner, doneAt);
		const timed = this.#monitor.wrap(fn, takesDone ? {op: name, plugin: owner, kind: 'hook', callback: doneAt} : {op: name, plugin: owner, kind: 'hook'});
		if (!SEND_PHASE.has(name)) {
			this.#made.add(timed);
			return timed;
		}
		const inFlight = this.#inFlight;
		const answering = this.#answering;
		const wrapper = function (this: unknown, request: unknown, reply: object): unknown {
			if (answering.reply === reply) {
				answering.reply = null;
				answering.end();
			}
			const end = inFlight.get(reply);
			if (end !== undefined) {
				inFlight.delete(reply);
				end();
			}
			return timed.apply(this, arguments as unknown as unknown[]);
		};
		copyFunctionTraits(fn, wrapper, this.#monitor.faults);
		this.#made.add(wrapper);
		return wrapper;
	}

	/**
	 * A request hook that runs before the handler and is not async, timed under `owner` as hook `op`: until it
	 * calls `done` (recorded before `done` runs the rest of the pipeline), or a promise it returns settles, or it
	 * answers the request itself without calling `done`: then until the first send-phase hook of the reply starts,
	 * or its return with the reply sent, or the adapter's `onResponse` hook, whichever comes first. Called
	 * otherwise than by Fastify (no `done`, no reply object), it just calls the hook.
	 */
	#answeringHook(fn: AnyFunction, op: string, owner: string, doneAt: number): AnyFunction {
		const monitor = this.#monitor;
		const inFlight = this.#inFlight;
		const answering = this.#answering;
		const timer = {plugin: owner, kind: 'hook'} as const;
		const wrapper = function (this: unknown, _request: unknown, reply: {sent?: unknown}): unknown {
			const args = arguments;
			const done: unknown = args[doneAt];
			if (typeof done !== 'function' || reply === null || typeof reply !== 'object') return fn.apply(this, args as unknown as unknown[]);
			const end = monitor.startTimer(op, timer);
			let open = true;
			args[doneAt] = function (this: unknown, error?: unknown): unknown {
				if (open) {
					open = false;
					if (inFlight.get(reply) === end) inFlight.delete(reply);
					end(error);
				}
				return (done as AnyFunction).apply(this, arguments as unknown as unknown[]);
			};
			const outerReply = answering.reply;
			const outerEnd = answering.end;
			answering.reply = reply;
			answering.end = end;
			let result: unknown;
			try {
				result = fn.apply(this, args as unknown as unknown[]);
			} catch (error) {
				if (open) {
					open = false;
					end(error ?? new Error('thrown'));
				}
				throw error;
			} finally {
				answering.reply = outerReply;
				answering.end = outerEnd;
			}
			if (!open) return result;
			if (result instanceof Promise) {
				result.then(
					() => {
						open = false;
						end();
					},
					(error: unknown) => {
						open = false;
						end(error ?? new Error('rejected'));
					},
				);
			} else if (reply.sent === true) {
				// Answered without done (a preflight): nothing more of it runs.
				open = false;
				end();
			} else {
				// Waiting on something: it calls done later, or answers later without it (see #inFlight).
				inFlight.set(reply, end);
			}
			return result;
		};
		copyFunctionTraits(fn, wrapper, monitor.faults);
		this.#made.add(wrapper);
		return wrapper;
	}

	/**
	 * A route handler timed under `owner` as hook `op` (the plugin's own code, called by Fastify for each request): to its return, or its promise's settlement, or the
	 * start of the first send-phase hook of its reply, whichever comes first.
	 */
	#timedHandler(fn: AnyFunction, op: string, owner: string): AnyFunction {
		if (!this.#monitor.enabled) return fn;
		const monitor = this.#monitor;
		const inFlight = this.#inFlight;
		const timer = {plugin: owner, kind: 'hook'} as const;
		const wrapper = function (this: unknown, request: unknown, reply: object): unknown {
			const end = monitor.startTimer(op, timer);
			inFlight.set(reply, end);
			let result: unknown;
			try {
				result = fn.apply(this, arguments as unknown as unknown[]);
			} catch (error) {
				inFlight.delete(reply);
				end(error ?? new Error('thrown'));
				throw error;
			}
			if (result instanceof Promise) {
				result.then(
					() => {
						inFlight.delete(reply);
						end();
					},
					(error: unknown) => {
						inFlight.delete(reply);
						end(error ?? new Error('rejected'));
					},
				);
			} else {
				inFlight.delete(reply);
				end();
			}
			return result;
		};
		copyFunctionTraits(fn, wrapper, this.#monitor.faults);
		this.#made.add(wrapper);
		return wrapper;
	}

	/**
	 * An `onRoute` hook of plugin `owner`, timed, that also times the hooks it adds to the route's options
	 * under `owner`.
	 */
	#onRouteWrapper(fn: AnyFunction, owner: string): AnyFunction {
		const timed = this.#monitor.wrap(fn, {op: 'onRoute', plugin: owner, kind: 'hook'});
		const self = this;
		const faults = this.#monitor.faults;
		const wrapper = function (this: unknown, route: RouteOptions): unknown {
			let before: Set<unknown> | null = null;
			try {
				before = hookFunctions(route);
			} catch (error) {
				faults.report('plugin-wrap', error);
			}
			const result = timed.apply(this, arguments as unknown as [RouteOptions]);
			if (before !== null) {
				const known = before;
				try {
					self.#adopt(route, owner, fn => known.has(fn));
				} catch (error) {
					// The hooks it added run untimed.
					faults.report('plugin-wrap', error);
				}
			}
			return result;
		};
		copyFunctionTraits(fn, wrapper, this.#monitor.faults);
		this.#made.add(wrapper);
		return wrapper;
	}

	/**
	 * The adapter's own `onRoute` hook: the route's own hooks and handler belong to the plugin declaring it.
	 * Fastify's automatic HEAD route for a GET route reuses the GET route's handler and hooks (counted in the
	 * GET route's series) and adds its own `onSend` function, which is Fastify's and stays untimed.
	 */
	#route(instance: object, route: RouteOptions): void {
		try {
			const owner = this.#ownerOf(instance);
			const handler = route.handler;
			const url = route.url ?? '';
			if (typeof handler !== 'function') return;
			const declared = hookFunctions(route);
			const get = route.method === 'HEAD' ? this.#getRoutes.get(handler as AnyFunction)?.get(url) : undefined;
			const op = get?.op ?? `${Array.isArray(route.method) ? route.method.join(',') : String(route.method)} ${url}`;
			if (get) this.#adopt(route, owner, fn => !get.hooks.has(fn));
			else {
				this.#adopt(route, owner, () => false);
				if (route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET'))) {
					const byUrl = this.#getRoutes.get(handler as AnyFunction) ?? new Map<string, {op: string; hooks: Set<unknown>}>();
					byUrl.set(url, {op, hooks: declared});
					this.#getRoutes.set(handler as AnyFunction, byUrl);
				}
			}
			if (!this.#made.has(handler as AnyFunction) && this.#monitor.unwrap(handler as AnyFunction) === handler) {
				route.handler = this.#timedHandler(handler as AnyFunction, op, owner);
			}
		} catch (error) {
			this.#monitor.faults.report('plugin-wrap', error);
		}
	}

	/**
	 * Times the lifecycle hooks in `route`'s options under `owner`, except those `skip` names and those already
	 * timed. A list that changes is replaced by a new array (the route's options may share it with the user's
	 * object).
	 */
	#adopt(route: RouteOptions, owner: string, skip: (fn: unknown) => boolean): void {
		for (const name of LIFECYCLE_HOOKS) {
			const value = route[name];
			const doneAt = LIFECYCLE_DONE_AT[name]!;
			const adopt = (fn: unknown): unknown => (typeof fn === 'function' && !skip(fn) ? this.#timedHook(fn as AnyFunction, name, owner, doneAt) : fn);
			if (typeof value === 'function') route[name] = adopt(value);
			else if (Array.isArray(value)) {
				const timed = value.map(adopt);
				if (timed.some((fn, index) => fn !== value[index])) route[name] = timed;
			}
		}
	}
}

