// The four commands, each over one room opened through the app's core.

import { makeJoinLink, newRoomSecret } from '../app/core/link';
import { loadSettings } from '../app/core/persist';
import type { Clip } from '../app/core/protocol';
import type { DeviceView, RoomState } from '../app/core/session-types';
import type { Command, Options, Target } from './args';
import { type Clipboard, findClipboard } from './clipboard';
import { clipboardSync } from './clipboard-sync';
import { type FileStore, fileStore } from './file-store';
import { homeDir } from './home';
import { terminalQr } from './qr';
import { reportRoom } from './report';
import { type OpenedRoom, openCliRoom, UsageError } from './room';

/** `npm start` serves the app and its relay here. */
const DEFAULT_RELAY = 'http://localhost:8787';

export const HELP = `clipmesh: move clipboard text between your devices, peer to peer.

Usage:
  clipmesh new                 make a room, show its link and QR code, then sync
  clipmesh send LINK [TEXT]    send TEXT (or standard input); done once a device has it
  clipmesh watch LINK [--json] print each clip as it arrives
  clipmesh sync LINK           keep this computer's clipboard in sync with the room

LINK is a room's join link in any form, or its bare code (then the relay is the one this
room was last used with, or --relay).

Options:
  --name NAME       this device's name, as the other devices show it (kept for next time)
  --timeout SECONDS how long send waits for a device to take the clip (default 30)
  --json            watch prints one JSON object per clip and line
  --relay URL       the relay to meet through; new makes its link with it
                    (default ${DEFAULT_RELAY})
  --stun URL|none   the STUN server that finds this computer's public address
                    (default stun:stun.l.google.com:19302); none for one network only
  -h, --help        this help
  -V, --version     the version

Identity, rooms and clips are kept in $CLIPMESH_HOME, else $XDG_CONFIG_HOME/clipmesh
(~/.config/clipmesh). Exit codes: 0 done, 1 failed, 2 bad usage.
`;

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function runCommand(command: Exclude<Command, { command: 'help' | 'version' }>) {
  const home = homeDir();
  const store = fileStore(home);
  try {
    switch (command.command) {
      case 'send':
        return await send(home, store, command.target, command.options, command.text);
      case 'watch':
        return await watch(home, store, command.target, command.options, command.json);
      case 'sync':
        return await sync(home, store, command.target, command.options);
      case 'new':
        return await newRoom(home, store, command.options);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`clipmesh: ${error.message}`);
    return 2;
  }
}

async function send(
  home: string,
  store: FileStore,
  target: Target,
  options: Options,
  text?: string,
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  const clip = text ?? (await readStandardInput());
  const room = await openCliRoom({ home, store, target, options });
  try {
    const sent = await room.session.send(clip);
    if (!sent.ok) {
      say(`clipmesh: ${sent.error}`);
      return 1;
    }
    const outcome = await held(room, sent.id, deadline - Date.now(), options.timeoutMs);
    if (outcome.ok) {
      const missed = outcome.missed.length ? ` Not yet to ${outcome.missed.join(', ')}.` : '';
      say(`Delivered to ${outcome.holders.join(', ')}.${missed}`);
      return 0;
    }
    say(`clipmesh: ${outcome.why}`);
    return 1;
  } finally {
    await room.close();
  }
}

type Outcome = { ok: true; holders: string[]; missed: string[] } | { ok: false; why: string };

/**
 * Waits until every other device present holds clip `id` (their receipts): once this command
 * exits nobody passes the clip on, so a device still linking is waited for. When time is up it
 * has succeeded if any device holds it; it fails if none does, or the relay refuses.
 */
function held(room: OpenedRoom, id: string, waitMs: number, timeoutMs: number): Promise<Outcome> {
  const { state } = room.session;
  return new Promise((resolve) => {
    const finish = (outcome: Outcome): void => {
      stop();
      clearTimeout(timer);
      resolve(outcome);
    };
    const delivered = (room: RoomState): Outcome | null => {
      const holders = room.history.find((known) => known.id === id)?.holders ?? [];
      if (holders.length === 0) return null;
      const name = (device: DeviceView) => device.name || 'a device';
      const present = room.devices.filter((device) => device.state !== 'lost');
      return {
        ok: true,
        holders: room.devices.filter((device) => holders.includes(device.id)).map(name),
        missed: present.filter((device) => !holders.includes(device.id)).map(name),
      };
    };
    const look = (room: RoomState): void => {
      const outcome = delivered(room);
      if (outcome?.ok && outcome.missed.length === 0) finish(outcome);
      else if (!outcome && (room.relay === 'refused' || room.relay === 'replaced')) {
        finish({
          ok: false,
          why: `The relay refused this room: ${room.relayDetail ?? room.relay}.`,
        });
      }
    };
    const timer = setTimeout(
      () => {
        const now = state.get();
        const outcome = delivered(now);
        if (outcome) {
          finish(outcome);
          return;
        }
        const seconds = Math.round(timeoutMs / 1000);
        const relay =
          now.relay === 'open'
            ? 'is one open in this room?'
            : `the relay: ${now.relayDetail ?? now.relay}.`;
        finish({
          ok: false,
          why: `No other device took the clip within ${seconds} s; ${relay} It stays in this device's outbox and goes with the next clipmesh run in this room.`,
        });
      },
      Math.max(0, waitMs),
    );
    const stop = state.subscribe(look);
    look(state.get());
  });
}

async function readStandardInput(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError('Give the TEXT to send, or pipe it in: echo hello | clipmesh send LINK');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function watch(
  home: string,
  store: FileStore,
  target: Target,
  options: Options,
  json: boolean,
): Promise<number> {
  const print = (clip: Clip): void => {
    const { id, text, from, fromName, at } = clip;
    if (json) process.stdout.write(`${JSON.stringify({ id, text, from, fromName, at })}\n`);
    else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const room = await openCliRoom({ home, store, target, options, onReceived: print });
  // A reader that went away (`clipmesh watch LINK | head -1`) ends the watch, as for any filter.
  const gone = new Promise<number>((resolve) => process.stdout.once('error', () => resolve(0)));
  return Promise.race([runUntilStopped(room), gone.finally(() => room.close())]);
}

/** The desktop's clipboard, or null once it has said what to install. */
function desktopClipboard(): Clipboard | null {
  const clipboard = findClipboard();
  if (!('missing' in clipboard)) return clipboard;
  say(`clipmesh: ${clipboard.missing}`);
  return null;
}

async function sync(
  home: string,
  store: FileStore,
  target: Target,
  options: Options,
  clipboard = desktopClipboard(),
): Promise<number> {
  if (!clipboard) return 1;
  say(`Clipboard: ${clipboard.tool}, ${clipboard.noticing}.`);
  const syncer = clipboardSync(clipboard, say);
  const room = await openCliRoom({
    home,
    store,
    target,
    options,
    onReceived: (clip) => syncer.received(clip),
  });
  await syncer.start(room.session);
  try {
    return await runUntilStopped(room);
  } finally {
    syncer.stop();
  }
}

async function newRoom(home: string, store: FileStore, options: Options): Promise<number> {
  // Checked first: a room whose link was shown but that cannot sync would only mislead.
  const clipboard = desktopClipboard();
  if (!clipboard) return 1;
  const relayUrl = options.relayUrl ?? (await loadSettings(store)).relayUrl ?? DEFAULT_RELAY;
  const secret = newRoomSecret();
  const link = makeJoinLink(`${relayUrl.replace(/\/+$/, '')}/`, secret);
  const colour = process.stdout.isTTY === true;
  const qr = terminalQr(link, colour).join('\n');
  process.stdout.write(`Join this room: ${link}\n\n${qr}\n\nScan it with your phone's camera.\n`);
  return sync(home, store, { secret, relayUrl }, options, clipboard);
}

/** Reports the room until Ctrl-C (or SIGTERM), or the relay refuses it for good. */
async function runUntilStopped(room: OpenedRoom): Promise<number> {
  say(`${room.deviceName} in the room, through ${room.relayUrl}. Ctrl-C to stop.`);
  const stopReport = reportRoom(room.session.state, say);
  const code = await new Promise<number>((resolve) => {
    const stop = (code: number): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      unsubscribe();
      resolve(code);
    };
    const onSignal = (): void => stop(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const unsubscribe = room.session.state.subscribe((state) => {
      if (state.relay === 'refused' || state.relay === 'replaced') stop(1);
    });
  });
  stopReport();
  await room.close();
  return code;
}
