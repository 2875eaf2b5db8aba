// Who is in the room, as this device knows it: what the relay lists, and which of those
// devices proved themselves with something sealed. The mesh keeps a link to each.

import { DEFAULT_MAX_DEVICES_PER_ROOM } from '../../relay/contract';
import type { DirectPath } from './link-path';
import type { PeerLink } from './peer';
import type { DeviceView, LinkPath, PeerState } from './session-types';

export interface Remote {
  id: string;
  name: string;
  lastSeen: number;
  /** Listed by the transport right now. */
  present: boolean;
  /** Something sealed from it opened: the relay alone cannot make a device appear. */
  verified: boolean;
  peer?: PeerLink;
  route: DirectPath;
  fallback: boolean;
  fallbackTimer?: ReturnType<typeof setTimeout>;
  retryTimer?: ReturnType<typeof setTimeout>;
  retries: number;
}

/** Devices the relay lists that are remembered at most; made-up joins can be endless. */
const MAX_LISTED = 64;
/** Every other device a room on the relay can hold. */
export const MAX_PEERS = DEFAULT_MAX_DEVICES_PER_ROOM - 1;
/** A device gone this long (no link, not listed) is forgotten; it is let in again if it returns. */
export const FORGET_GONE_MS = 30 * 60_000;

export class Roster {
  private readonly remotes = new Map<string, Remote>();
  /** Who the relay says is here, proven or not. */
  private readonly listed = new Set<string>();

  /** `evict` lets go of a remote pushed out to make room (its link and timers). */
  constructor(
    private readonly selfId: string,
    private readonly cap: number,
    private readonly evict: (remote: Remote) => void,
  ) {}

  get(id: string): Remote | undefined {
    return this.remotes.get(id);
  }

  all(): Remote[] {
    return [...this.remotes.values()];
  }

  /** The remote for `id`, added if there is room; never this device itself. */
  admit(id: string): Remote | undefined {
    if (id === this.selfId) return undefined;
    const known = this.remotes.get(id);
    if (known) return known;
    if (!this.makeRoom()) return undefined;
    const remote: Remote = {
      id,
      name: 'Unnamed device',
      lastSeen: Date.now(),
      present: false,
      verified: false,
      route: 'nat',
      fallback: false,
      retries: 0,
    };
    this.remotes.set(id, remote);
    return remote;
  }

  /** The transport's full list: anyone not on it is no longer present. */
  members(devices: string[]): void {
    this.listed.clear();
    for (const id of devices) this.list(id);
    const listed = new Set(devices);
    for (const remote of this.all()) {
      if (!listed.has(remote.id)) this.gone(remote);
    }
  }

  list(id: string): void {
    this.listed.delete(id);
    this.listed.add(id);
    if (this.listed.size > MAX_LISTED) this.listed.delete(this.listed.values().next().value ?? id);
  }

  /** The device left the relay; one that never proved itself is let go at once. */
  leave(id: string): Remote | undefined {
    this.listed.delete(id);
    const remote = this.remotes.get(id);
    if (remote) this.gone(remote);
    return remote;
  }

  /** Lets go of devices gone for FORGET_GONE_MS, so the list does not grow for ever. */
  prune(now: number): void {
    for (const remote of this.all()) {
      if (isGone(remote) && now - remote.lastSeen >= FORGET_GONE_MS) this.remove(remote);
    }
  }

  /** The relay lists a device that never sealed anything to us. */
  hasUnproven(): boolean {
    return [...this.listed].some((id) => id !== this.selfId && !this.remotes.get(id)?.verified);
  }

  /** Proven devices, as shown to a person. */
  devices(): DeviceView[] {
    return this.all()
      .filter((remote) => remote.verified)
      .map((remote) => ({
        id: remote.id,
        name: remote.name,
        state: stateOf(remote),
        path: pathOf(remote),
        lastSeen: remote.lastSeen,
      }));
  }

  /** Devices a message can reach now. */
  reachable(): string[] {
    return this.all()
      .filter(isReachable)
      .map((remote) => remote.id);
  }

  clear(): void {
    this.remotes.clear();
    this.listed.clear();
  }

  private gone(remote: Remote): void {
    remote.present = false;
    if (!remote.verified && !remote.peer?.isOpen) this.remove(remote);
  }

  private remove(remote: Remote): void {
    this.evict(remote);
    this.remotes.delete(remote.id);
  }

  /**
   * Proven devices fill the cap, and one that has gone gives way to a newcomer. Unproven
   * ones (all a relay can make up) give way to each other, least recently seen first, so
   * made-up joins cannot lock real devices out.
   */
  private makeRoom(): boolean {
    const all = this.all();
    const proven = all.filter((remote) => remote.verified);
    if (proven.length >= this.cap) {
      const gone = proven.filter(isGone);
      if (gone.length === 0) return false;
      this.remove(leastRecentlySeen(gone));
      return true;
    }
    const unproven = all.filter((remote) => !remote.verified);
    if (unproven.length < this.cap) return true;
    this.remove(leastRecentlySeen(unproven));
    return true;
  }
}

function leastRecentlySeen(remotes: Remote[]): Remote {
  return remotes.reduce((a, b) => (b.lastSeen < a.lastSeen ? b : a));
}

/** Neither listed by the relay nor linked directly: the device has left. */
function isGone(remote: Remote): boolean {
  return !remote.present && !remote.peer?.isOpen;
}

export function isReachable(remote: Remote): boolean {
  return Boolean(remote.peer?.isOpen) || (remote.fallback && remote.present);
}

function stateOf(remote: Remote): PeerState {
  if (remote.peer?.isOpen) return remote.route === 'turn' ? 'turn' : 'direct';
  if (remote.fallback && remote.present) return 'relay';
  return remote.present ? 'connecting' : 'lost';
}

/** The way clips go to the device now, if they can. */
function pathOf(remote: Remote): LinkPath | undefined {
  if (remote.peer?.isOpen) return remote.route;
  return remote.fallback && remote.present ? 'relay' : undefined;
}
