// What a link to another device is given, what its connection tells it, the states it goes
// through with the moves between them, and what a person is shown of each.

import type { DirectPath } from './link-path';
import type { PeerLink, PeerOptions } from './peer';
import type { LinkPath, PeerState } from './session-types';

/** What a connection reports to the link that made it; `isCurrent` is false once let go. */
export type ConnectionEvents = Required<Pick<PeerOptions, 'onState' | 'onPath' | 'onMessage'>> & {
  isCurrent(): boolean;
};

export interface DeviceLinkOptions {
  id: string;
  /** This device offers first (its id is the smaller one); the other waits its turn. */
  initiator: boolean;
  /** With no direct path this long, a proven device is reached through the relay. */
  fallbackAfterMs: number;
  /** How long the device that does not offer first waits for the other's offer. */
  responderWaitMs: number;
  /** Makes a WebRTC connection to the device, reporting to `events`. */
  connect(events: ConnectionEvents): PeerLink;
  /** A frame came over the current connection. */
  onFrame(data: string | ArrayBuffer): void;
  /** The device can be reached now, directly or through the relay: time to sync. */
  onReachable(direct: boolean): void;
  /** Something a person sees changed. */
  onChange(): void;
}

/**
 * - idle: known, no connection yet (waiting its turn to offer, or after one was let go);
 * - signaling: a connection negotiating, no path for clips yet;
 * - direct: its data channel is open;
 * - relayed: no direct path, so clips go sealed through the relay while one is tried;
 * - lost: the relay no longer lists it and no direct link is open.
 */
export type LinkState = 'idle' | 'signaling' | 'direct' | 'relayed' | 'lost';

/** Every move a link may make; anything else is a bug in the link. */
const MOVES: Record<LinkState, readonly LinkState[]> = {
  idle: ['signaling', 'relayed', 'lost'],
  signaling: ['idle', 'direct', 'relayed', 'lost'],
  direct: ['signaling', 'relayed', 'lost'],
  relayed: ['direct', 'lost'],
  lost: ['idle', 'signaling', 'direct'],
};

/** The next state, when the move is allowed; throws on a move the table does not list. */
export function checkedMove(from: LinkState, to: LinkState): LinkState {
  if (to !== from && !MOVES[from].includes(to)) {
    throw new Error(`A link cannot go from ${from} to ${to}.`);
  }
  return to;
}

/** What a person sees of a link: its state, and the way clips go while they can. */
export function shownState(
  state: LinkState,
  route: DirectPath,
): { state: PeerState; path?: LinkPath } {
  switch (state) {
    case 'direct':
      return { state: route === 'turn' ? 'turn' : 'direct', path: route };
    case 'relayed':
      return { state: 'relay', path: 'relay' };
    case 'lost':
      return { state: 'lost' };
    default:
      return { state: 'connecting' };
  }
}
