// The states a link to another device goes through, the moves between them, and what a
// person is shown of each.

import type { DirectPath } from './link-path';
import type { LinkPath, PeerState } from './session-types';

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
