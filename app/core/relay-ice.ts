// The servers a room's links use: a person's own, then the relay's. The relay hands them
// only to a device it has bound: in the first event of its stream, or (an older relay) when
// asked after the stream opened. A link made before then waits for them a moment.

import { DEFAULT_ICE_SERVERS, ICE_WAIT_MS, type RelayIceServers } from './ice-servers';

export type IceAnswer = RelayIceServers | { refused: number };

/** What Settings shows: each server's addresses and where it came from; never a password. */
export interface IceInUse {
  servers: { urls: string[]; from: 'yours' | 'relay' | 'default' }[];
  /** True while the relay has not answered yet. */
  asking: boolean;
}

export interface RelayIceOptions {
  own: RTCIceServer[];
  ask(): Promise<IceAnswer>;
  onChange(inUse: IceInUse): void;
  now?: () => number;
  waitMs?: number;
}

const urlsOf = (server: RTCIceServer) =>
  typeof server.urls === 'string' ? [server.urls] : [...server.urls];

export class RelayIce {
  private relay: RTCIceServer[] | undefined;
  private expiresAt = Number.POSITIVE_INFINITY;
  private askedAt = 0;
  private asking: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: RelayIceOptions) {}

  /** The relay named the servers as this device's stream opened: no need to ask. */
  answered(servers: RelayIceServers): void {
    if (this.closed) return;
    this.askedAt = this.options.now?.() ?? Date.now();
    this.take(servers);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The relay knows this device now: ask it, unless a fresh answer is at hand. */
  relayOpened(): void {
    if (this.asking || this.closed || (this.relay && !this.stale())) return;
    this.asking = this.askOnce().finally(() => {
      this.asking = undefined;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The list for a new link; waits up to ICE_WAIT_MS for the relay's first answer. */
  servers = async (): Promise<RTCIceServer[]> => {
    if (!this.relay) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.waitMs ?? ICE_WAIT_MS);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.inUse().list;
  };

  close(): void {
    this.closed = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Half a credential's lifetime in, the next link asks for new ones. */
  private stale(): boolean {
    const now = this.options.now?.() ?? Date.now();
    return now >= this.askedAt + (this.expiresAt - this.askedAt) / 2;
  }

  private async askOnce(): Promise<void> {
    this.askedAt = this.options.now?.() ?? Date.now();
    let answer: IceAnswer;
    try {
      answer = await this.options.ask();
    } catch {
      // Unreachable now; the next time the relay's stream opens asks again.
      answer = { refused: 0 };
    }
    if ('refused' in answer) {
      // A relay without this route (an older one) or one that refused: no servers from it
      // for now; the next time its stream opens asks again.
      this.relay ??= [];
      this.expiresAt = this.askedAt;
      this.options.onChange(this.inUse().view);
    } else {
      this.take(answer);
    }
  }

  private take({ servers, expiresAt }: RelayIceServers): void {
    this.relay = servers;
    this.expiresAt = expiresAt ?? Number.POSITIVE_INFINITY;
    this.options.onChange(this.inUse().view);
  }

  private inUse(): { list: RTCIceServer[]; view: IceInUse } {
    const own = this.options.own;
    const relay = this.relay ?? [];
    const fallback = own.length === 0 && relay.length === 0 ? DEFAULT_ICE_SERVERS : [];
    const view: IceInUse = {
      asking: this.relay === undefined,
      servers: [
        ...own.map((server) => ({ urls: urlsOf(server), from: 'yours' as const })),
        ...relay.map((server) => ({ urls: urlsOf(server), from: 'relay' as const })),
        ...fallback.map((server) => ({ urls: urlsOf(server), from: 'default' as const })),
      ],
    };
    return { list: [...own, ...relay, ...fallback], view };
  }

  /** What is in use now, for the first screen before the relay answers. */
  view(): IceInUse {
    return this.inUse().view;
  }
}
