// The relays a device may use for one room: the one it was given, then the siblings that relay
// advertised (same service, rooms shared). The stream and publishes go to the current one;
// a failure there moves the stream on, and a publish tries the others before giving up.
import { MAX_RELAYS } from '../../../relay/contract';

const trimmed = (url: string): string => url.replace(/\/+$/, '');

export class RelayList {
  private readonly urls: string[];
  private index = 0;

  constructor(primary: string) {
    this.urls = [trimmed(primary)];
  }

  get current(): string {
    return this.urls[this.index] as string;
  }

  get all(): readonly string[] {
    return this.urls;
  }

  /** Adds advertised siblings not known yet, up to MAX_RELAYS besides the first. */
  learn(advertised: readonly string[]): void {
    for (const url of advertised.map(trimmed)) {
      if (this.urls.length > MAX_RELAYS) return;
      if (!this.urls.includes(url)) this.urls.push(url);
    }
  }

  /** Moves on to the next relay, round the list; false when there is no other. */
  next(): boolean {
    if (this.urls.length < 2) return false;
    this.index = (this.index + 1) % this.urls.length;
    return true;
  }

  /** The current relay first, then the others in order. */
  fromCurrent(): string[] {
    return [...this.urls.slice(this.index), ...this.urls.slice(0, this.index)];
  }
}
