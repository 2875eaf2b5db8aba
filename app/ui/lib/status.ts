// The words of the status line and the device list.

import type { LinkPath, PeerState } from '../../core/session-types';
import type { TransportStatus } from '../../core/transport/types';

export const PEER_STATE_LABELS: Record<PeerState, string> = {
  connecting: 'connecting…',
  direct: 'direct',
  turn: 'via TURN relay',
  relay: 'via clipmesh relay (end-to-end encrypted)',
  lost: 'lost',
};

/** The way clips go to a peer, in the words a person reads. */
export const PATH_LABELS: Record<LinkPath, string> = {
  lan: 'direct (same network)',
  nat: 'direct (through NAT)',
  turn: 'via TURN relay',
  relay: 'via clipmesh relay (end-to-end encrypted)',
};

/** Peers that can exchange clips right now. */
export function isReachable(state: PeerState): boolean {
  return state === 'direct' || state === 'turn' || state === 'relay';
}

function devicesText(connected: number): string {
  if (connected === 0) return 'No other device yet. Open the link on another device to join.';
  return connected === 1 ? 'Connected to 1 device.' : `Connected to ${connected} devices.`;
}

export function statusText(relay: TransportStatus, connected: number, detail?: string): string {
  switch (relay) {
    case 'connecting':
      return connected > 0 ? devicesText(connected) : 'Connecting to the relay…';
    case 'open':
      return devicesText(connected);
    case 'unreachable': {
      const devices = connected > 0 ? ` ${devicesText(connected)}` : '';
      return `Relay unreachable — retrying.${devices}`;
    }
    case 'replaced':
      return 'This room is open in another tab or window.';
    case 'full':
      return 'This room is full.';
    case 'refused':
      return detail ? `The relay refused this room: ${detail}` : 'The relay refused this room.';
    case 'closed':
      return 'This room is closed.';
  }
}
