// Search parameters for tests and benchmarks (also handy on a hostile network):
//   ?relay=<url>          use this relay for this page load, over settings and links
//   ?direct=off           no direct links: every clip goes through the sealed relay fallback
//   ?ice=none             no STUN/TURN servers: only local addresses are tried
//   ?relay-room=<id>      meet in this relay room instead of the derived one; the seal key and
//                         what it binds still come from the room secret, so nothing opens
//                         across rooms (the wrong-room e2e test)
//   ?part-timeout=<ms>    free abandoned streams of pieces sooner than 30 s (1 s at least)
// Only the e2e build (`vite build --mode e2e`) reads them: in the shipped app a link with
// ?relay= must not send a person's device elsewhere. scripts/check-dist.mjs proves it.

import { ROOM_ID_PATTERN } from '../../../relay/contract';

export interface TestHooks {
  relayUrl?: string;
  forceRelay: boolean;
  iceServers?: RTCIceServer[];
  relayRoomId?: string;
  partTimeoutMs?: number;
}

const MIN_PART_TIMEOUT_MS = 1_000;
const MAX_PART_TIMEOUT_MS = 30_000;

/** True in the e2e build only; the shipped build drops everything behind it. */
declare const __TEST_HOOKS__: boolean;

export function readTestHooks(search: string): TestHooks {
  if (!__TEST_HOOKS__) return { forceRelay: false };
  const params = new URLSearchParams(search);
  const relay = params.get('relay');
  const relayRoom = params.get('relay-room');
  const partTimeout = Number(params.get('part-timeout'));
  const shorter =
    partTimeout >= MIN_PART_TIMEOUT_MS && partTimeout <= MAX_PART_TIMEOUT_MS
      ? Math.floor(partTimeout)
      : undefined;
  return {
    forceRelay: params.get('direct') === 'off',
    ...(relay && /^https?:\/\//i.test(relay) ? { relayUrl: relay } : {}),
    ...(params.get('ice') === 'none' ? { iceServers: [] } : {}),
    ...(relayRoom && ROOM_ID_PATTERN.test(relayRoom) ? { relayRoomId: relayRoom } : {}),
    ...(shorter ? { partTimeoutMs: shorter } : {}),
  };
}
