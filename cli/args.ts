// The command line, read into one value: a command with its checked arguments, or an
// error in plain words. Nothing here touches the network or the disk.

import { parseArgs } from 'node:util';
import { parseJoinInput } from '../app/core/link';
import { MAX_NAME_CHARS } from '../app/core/protocol';

export const DEFAULT_TIMEOUT_S = 30;
const MAX_TIMEOUT_S = 24 * 60 * 60;

/** A room to join: its secret, and the relay the link names (its `relay=`, else its origin). */
export interface Target {
  secret: Uint8Array;
  relayUrl?: string;
}

export interface Options {
  name?: string;
  /** Overrides the relay a link names, and serves the link `new` prints. */
  relayUrl?: string;
  /** `[]` for none; undefined for the default. */
  iceServers?: RTCIceServer[];
  timeoutMs: number;
}

export type Command =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'new'; options: Options }
  | { command: 'send'; target: Target; text?: string; options: Options }
  | { command: 'watch'; target: Target; json: boolean; options: Options }
  | { command: 'sync'; target: Target; options: Options };

export type Parsed = { ok: true; command: Command } | { ok: false; error: string };

const COMMANDS = ['new', 'send', 'watch', 'sync'] as const;
const USAGE_HINT = 'Run `clipmesh --help` for how to use it.';

export function parseCommandLine(argv: string[]): Parsed {
  let parsed: ReturnType<typeof readFlags>;
  try {
    parsed = readFlags(argv);
  } catch (error) {
    return fail(`${(error as Error).message.replace(/\.?$/, '.')} ${USAGE_HINT}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, command: { command: 'help' } };
  if (values.version) return { ok: true, command: { command: 'version' } };
  const [name, ...rest] = positionals;
  if (name === undefined) return fail(`Say what to do: new, send, watch or sync. ${USAGE_HINT}`);
  if (!(COMMANDS as readonly string[]).includes(name)) {
    return fail(`There is no command "${name}": use new, send, watch or sync. ${USAGE_HINT}`);
  }
  const options = readOptions(values);
  if (typeof options === 'string') return fail(options);
  if (values.json && name !== 'watch') return fail('--json goes with watch only.');

  if (name === 'new') {
    if (rest.length > 0) return fail('new takes no LINK: it makes a new room.');
    return { ok: true, command: { command: 'new', options } };
  }
  const [link, text, ...extra] = rest;
  if (link === undefined) return fail(`${name} needs the room's LINK (or its code). ${USAGE_HINT}`);
  const most = name === 'send' ? 2 : 1;
  if (rest.length > most) {
    const why = name === 'send' ? 'put TEXT in quotes' : `${name} takes only a LINK`;
    return fail(`Too many arguments (${[text, ...extra].join(' ')}): ${why}.`);
  }
  const target = readTarget(link);
  if (typeof target === 'string') return fail(target);
  if (name === 'send') {
    const command: Command = { command: 'send', target, options };
    if (text !== undefined) command.text = text;
    return { ok: true, command };
  }
  if (name === 'watch') {
    return { ok: true, command: { command: 'watch', target, json: values.json === true, options } };
  }
  return { ok: true, command: { command: 'sync', target, options } };
}

function readFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
      json: { type: 'boolean' },
      name: { type: 'string' },
      timeout: { type: 'string' },
      relay: { type: 'string' },
      stun: { type: 'string' },
    },
  });
}

type Flags = ReturnType<typeof readFlags>['values'];

function readOptions(values: Flags): Options | string {
  const options: Options = { timeoutMs: DEFAULT_TIMEOUT_S * 1000 };
  if (values.name !== undefined) {
    const name = values.name.trim();
    if (name === '') return '--name needs a name for this device.';
    if (name.length > MAX_NAME_CHARS)
      return `--name is too long: at most ${MAX_NAME_CHARS} characters.`;
    options.name = name;
  }
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!/^\d+(\.\d+)?$/.test(values.timeout.trim()) || !(seconds > 0) || seconds > MAX_TIMEOUT_S) {
      return `--timeout takes a number of seconds above 0 (up to ${MAX_TIMEOUT_S}), not "${values.timeout}".`;
    }
    options.timeoutMs = Math.round(seconds * 1000);
  }
  if (values.relay !== undefined) {
    if (!httpUrl(values.relay)) return '--relay takes an address starting with https:// or http://';
    options.relayUrl = values.relay.trim();
  }
  if (values.stun !== undefined) {
    const stun = values.stun.trim();
    if (stun === 'none') options.iceServers = [];
    else if (/^stuns?:[^\s]+$/.test(stun)) options.iceServers = [{ urls: stun }];
    else return '--stun takes a STUN address such as stun:stun.example.org:3478, or none.';
  }
  return options;
}

/** The room a LINK names, with the relay its page would use: its `relay=`, else its origin. */
export function readTarget(link: string): Target | string {
  const input = parseJoinInput(link);
  if (!input.ok) return input.error;
  const relayUrl = input.relayUrl ?? linkOrigin(link.trim());
  return relayUrl === undefined ? { secret: input.secret } : { secret: input.secret, relayUrl };
}

/** The origin of a link with a host (`https://h/#k=…` or `h/#k=…`); none for a bare code. */
function linkOrigin(link: string): string | undefined {
  if (/^[^\s./:#]+$/.test(link) || link.startsWith('#')) return undefined;
  const absolute = /^https?:\/\//i.test(link) ? link : `https://${link}`;
  try {
    return new URL(absolute).origin;
  } catch {
    return undefined;
  }
}

function httpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text.trim())) return false;
  try {
    return new URL(text.trim()).host !== '';
  } catch {
    return false;
  }
}

function fail(error: string): Parsed {
  return { ok: false, error };
}
