import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {startLoad} from '../app/load.js';

/** A fake service that answers after `delayMs`, counting requests in flight and paths seen. */
async function fakeService(t: import('node:test').TestContext, delayMs: number, status = 200): Promise<{url: string; peak: () => number; paths: string[]}> {
	let inFlight = 0;
	let peak = 0;
	const paths: string[] = [];
	const server: Server = createServer((request, response) => {
		inFlight++;
		peak = Math.max(peak, inFlight);
		paths.push(`${request.method} ${request.url}`);
		request.resume();
		setTimeout(() => {
			inFlight--;
			response.writeHead(status).end('{}');
		}, delayMs);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	t.after(() => new Promise<void>(resolve => server.close(() => resolve())));
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, peak: () => peak, paths};
}

test('only loopback http addresses are accepted', () => {
	assert.throws(() => startLoad({url: 'http://example.com', rate: 1}), /only http on loopback/);
	assert.throws(() => startLoad({url: 'http://10.0.0.1:8080', rate: 1}), /only http on loopback/);
	assert.throws(() => startLoad({url: 'https://127.0.0.1', rate: 1}), /only http on loopback/);
});

test('exactly one of rate and concurrency is required', () => {
	assert.throws(() => startLoad({url: 'http://127.0.0.1:1'}), /exactly one/);
	assert.throws(() => startLoad({url: 'http://127.0.0.1:1', rate: 5, concurrency: 2}), /exactly one/);
	assert.throws(() => startLoad({url: 'http://127.0.0.1:1', concurrency: 1.5}), /whole number/);
});

test('closed loop keeps exactly `concurrency` requests outstanding and no more', async t => {
	const service = await fakeService(t, 20);
	const load = startLoad({url: service.url, concurrency: 4});
	await sleep(300);
	const stats = await load.stop();
	assert.equal(service.peak(), 4);
	assert.equal(stats.peakInFlight, 4);
	assert.equal(stats.ok, stats.sent, 'every request sent was answered before stop() resolved');
	assert.ok(stats.sent >= 8, `only ${stats.sent} requests in 300 ms at 20 ms each`);
});

test('open loop drops requests instead of queueing them when the service is slow', async t => {
	const service = await fakeService(t, 400);
	const load = startLoad({url: service.url, rate: 200, maxInFlight: 5});
	await sleep(300);
	const stats = await load.stop();
	assert.ok(service.peak() <= 5, `peak ${service.peak()} in flight`);
	assert.ok(stats.dropped > 0);
	assert.equal(stats.sent, stats.ok);
});

test('statuses are counted by class and the mix decides what is requested', async t => {
	const service = await fakeService(t, 1, 502);
	const load = startLoad({url: service.url, concurrency: 2, mix: {list: 0, stats: 0, get: 0, update: 0, receipt: 0, recommend: 0, quote: 1, activity: 0, payment: 0}});
	await sleep(100);
	const stats = await load.stop();
	assert.ok(stats.sent > 0);
	assert.equal(stats.serverErrors, stats.sent);
	assert.equal(stats.byKind.quote, stats.sent);
	assert.ok(service.paths.every(path => /^GET \/orders\/\d+\/shipping-quote$/.test(path)), service.paths[0]);
});
