// The relays a device may use for one room: the one it was given, then the siblings that relay
// advertised (same service, rooms shared), remembered from an earlier visit or learned now.
// The stream and publishes go to the current one; a failure there moves the stream on, and a
// publish tries the others before giving up.
import { MAX_RELAYS } from '../../../relay/contract';

const trimmed = (url: string): string => url.replace(/\/+$/, '');

export class RelayList {
  private readonly urls: string[];
  private index = 0;

  /** `onLearn` hears the siblings each time one is added, so they can be remembered. */
  constructor(
    primary: string,
    known: readonly string[] = [],
    private readonly onLearn?: (siblings: string[]) => void,
  ) {
    this.urls = [trimmed(primary)];
    this.add(known);
  }

  get current(): string {
    return this.urls[this.index] as string;
  }

  get all(): readonly string[] {
    return this.urls;
  }

  /** Adds advertised siblings not known yet, up to MAX_RELAYS besides the first. */
  learn(advertised: readonly string[]): void {
    if (this.add(advertised)) this.onLearn?.(this.urls.slice(1));
  }

  /** Moves on to the next relay, round the list; false when there is no other. */
  next(): boolean {
    if (this.urls.length < 2) return false;
    this.index = (this.index + 1) % this.urls.length;
    return true;
  }

  /** True when one was added. */
  private add(urls: readonly string[]): boolean {
    const before = this.urls.length;
    for (const url of urls.map(trimmed)) {
      if (this.urls.length > MAX_RELAYS) break;
      if (!this.urls.includes(url)) this.urls.push(url);
    }
    return this.urls.length > before;
  }

  /** The current relay first, then the others in order. */
  fromCurrent(): string[] {
    return [...this.urls.slice(this.index), ...this.urls.slice(0, this.index)];
  }
}
