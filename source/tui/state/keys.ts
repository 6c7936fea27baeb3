/**
 * Turns a key press into what should happen: a state change (an Action for the reducer) and/or an effect that
 * talks to the host or ends the app. Pure, so every key can be tested without a terminal.
 */
import type {Key} from 'ink';
import {resolveKey} from '../keymap.js';
import {effectiveCache, type Action, type AppState} from './reducer.js';

/** Something the app does outside the state: ask the host, or quit. */
export type Effect = {kind: 'export'} | {kind: 'clear-cache'; cache: string | null} | {kind: 'reset-metrics'} | {kind: 'quit'};

/** The outcome of one key press. */
export interface KeyOutcome {
	action?: Action;
	effect?: Effect;
}

/** Options that change what keys do. */
export interface KeyOptions {
	readonly: boolean;
	/** Plugin table rows on screen, for paging. */
	rows: number;
}

function isPrintable(input: string, key: Key): boolean {
	return input.length > 0 && !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab && !/[\u0000-\u001f\u007f]/.test(input);
}

function confirmKey(state: AppState, input: string, key: Key): KeyOutcome {
	const confirm = state.confirm!;
	const close: Action = {type: 'confirm-close'};
	if (key.escape || input === 'n' || input === 'N') return {action: close};
	if (confirm.kind === 'reset-metrics') {
		return input === 'y' || input === 'Y' ? {action: close, effect: {kind: 'reset-metrics'}} : {};
	}
	if (input === 'a' || input === 'A' || ((input === 'y' || input === 'Y') && confirm.cache === null)) return {action: close, effect: {kind: 'clear-cache', cache: null}};
	if (confirm.cache !== null && (input === 's' || input === 'S' || input === 'y' || input === 'Y')) return {action: close, effect: {kind: 'clear-cache', cache: confirm.cache}};
	return {};
}

const COMMAND_WORDS = {export: 'export', 'clear-cache': 'clear caches', 'reset-metrics': 'reset metrics'} as const;

/** Why a host command cannot run now (the connection is not up), and what happens next. */
export function notConnectedText(command: keyof typeof COMMAND_WORDS, state: AppState): string {
	const connection = state.connection;
	const why =
		connection.state === 'disconnected'
			? `disconnected from the host, retrying in ${Math.max(0, Math.ceil((connection.retryInMs - (state.now - state.connectionAt)) / 1000))}s`
			: connection.state === 'connecting'
				? 'still connecting to the host'
				: 'not connected to the host';
	return `cannot ${COMMAND_WORDS[command]}: ${why}`;
}

/** What a key press does in `state`. */
export function interpretKey(state: AppState, input: string, key: Key, options: KeyOptions): KeyOutcome {
	if (key.ctrl && input === 'c') return {effect: {kind: 'quit'}};
	if (state.prompt) {
		if (key.return) return {action: {type: 'prompt-commit'}};
		if (key.escape) return {action: {type: 'prompt-cancel'}};
		if (key.backspace || key.delete) return {action: {type: 'prompt-backspace'}};
		return isPrintable(input, key) ? {action: {type: 'prompt-text', text: input}} : {};
	}
	if (state.confirm) return confirmKey(state, input, key);
	if (state.connection.state === 'incompatible') return input === 'q' ? {effect: {kind: 'quit'}} : {};
	const command = resolveKey(input, key, state.view, {readonly: options.readonly});
	if ((command === 'export' || command === 'clear-cache' || command === 'reset-metrics') && state.connection.state !== 'connected') {
		return {action: {type: 'notice', notice: {level: 'error', text: notConnectedText(command, state)}}};
	}
	switch (command) {
		case null:
			return {};
		case 'quit':
			return {effect: {kind: 'quit'}};
		case 'export':
			return state.busy ? {} : {effect: {kind: 'export'}};
		case 'clear-cache': {
			if (state.busy) return {};
			if (!state.snapshot?.caches || state.snapshot.caches.length === 0) {
				return {action: {type: 'notice', notice: {level: 'info', text: 'the host reports no caches'}}};
			}
			return {action: {type: 'confirm-open', confirm: {kind: 'clear-cache', cache: state.focus === 'caches' ? effectiveCache(state) : null}}};
		}
		case 'reset-metrics':
			return state.busy ? {} : {action: {type: 'confirm-open', confirm: {kind: 'reset-metrics'}}};
		default:
			return {action: {type: 'command', command, rows: options.rows}};
	}
}
