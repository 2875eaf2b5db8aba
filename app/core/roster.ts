// Who is in the room, as this device knows it: what the relay lists, and which of those
// devices proved themselves with something sealed. The mesh keeps a link to each.

import { DEFAULT_MAX_DEVICES_PER_ROOM } from '../../relay/contract';
import type { DeviceLink } from './device-link';
import type { DeviceView } from './session-types';

/** Devices the relay lists that are remembered at most; made-up joins can be endless. */
const MAX_LISTED = 64;
/** Every other device a room on the relay can hold. */
export const MAX_PEERS = DEFAULT_MAX_DEVICES_PER_ROOM - 1;
/** A device gone this long (no link, not listed) is forgotten; it is let in again if it returns. */
export const FORGET_GONE_MS = 30 * 60_000;

export class Roster {
  private readonly remotes = new Map<string, DeviceLink>();
  /** Who the relay says is here, proven or not. */
  private readonly listed = new Set<string>();

  /** `create` makes the link to a device let in; a link pushed out or forgotten is closed. */
  constructor(
    private readonly selfId: string,
    private readonly cap: number,
    private readonly create: (id: string) => DeviceLink,
  ) {}

  get(id: string): DeviceLink | undefined {
    return this.remotes.get(id);
  }

  all(): DeviceLink[] {
    return [...this.remotes.values()];
  }

  /** The link to `id`, made if there is room; never to this device itself. */
  admit(id: string): DeviceLink | undefined {
    if (id === this.selfId) return undefined;
    const known = this.remotes.get(id);
    if (known) return known;
    if (!this.makeRoom()) return undefined;
    const remote = this.create(id);
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
  leave(id: string): DeviceLink | undefined {
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
      .map((remote) => remote.view());
  }

  /** Devices a message can reach now. */
  reachable(): string[] {
    return this.all()
      .filter((remote) => remote.reachable)
      .map((remote) => remote.id);
  }

  /** Closes every link. */
  clear(): void {
    for (const remote of this.all()) remote.close();
    this.remotes.clear();
    this.listed.clear();
  }

  private gone(remote: DeviceLink): void {
    remote.unlisted();
    if (!remote.verified && remote.state !== 'direct') this.remove(remote);
  }

  private remove(remote: DeviceLink): void {
    remote.close();
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

function leastRecentlySeen(remotes: DeviceLink[]): DeviceLink {
  return remotes.reduce((a, b) => (b.lastSeen < a.lastSeen ? b : a));
}

/** Neither listed by the relay nor linked directly: the device has left. */
function isGone(remote: DeviceLink): boolean {
  return !remote.present && remote.state !== 'direct';
}
