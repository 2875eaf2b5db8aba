// A Server-Sent Events parser per the WHATWG "event stream interpretation" rules,
// fed raw bytes as they arrive so chunk boundaries may fall anywhere. Unlike the spec it
// holds at most `maxEventChars` of one event, so a hostile stream cannot fill memory.

export interface SseEvent {
  /** The `event` field, or 'message' when absent. */
  event: string;
  /** The `data` lines joined with '\n'. */
  data: string;
  /** The last event id seen on this stream so far ('' when none). */
  id: string;
}

export interface SseParserHandlers {
  onEvent(event: SseEvent): void;
  /** A `retry:` field with a valid number of milliseconds. */
  onRetry?(ms: number): void;
  /** An event (or a line) grew past the limit: it is dropped up to the next blank line. */
  onOversize?(): void;
}

export interface SseParserOptions {
  /** The most characters one event may hold: its unfinished line, data lines and name. */
  maxEventChars: number;
}

export interface SseParser {
  /** Feeds the next bytes of the stream. */
  push(chunk: Uint8Array): void;
  /** The stream ended: an event not closed by a blank line is discarded, as the spec says. */
  end(): void;
}

export function createSseParser(handlers: SseParserHandlers, options: SseParserOptions): SseParser {
  return new EventStreamParser(handlers, options.maxEventChars);
}

class EventStreamParser implements SseParser {
  // Stream mode keeps a multi-byte character split across chunks intact; the BOM is stripped.
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  // A chunk ending in CR may be the first half of CRLF.
  private skipLeadingLf = false;
  private eventName = '';
  private dataLines: string[] = [];
  private dataChars = 0;
  private lastId = '';
  // After an oversize event, every line is ignored until a blank one.
  private skipping = false;
  // The line being skipped had text that was thrown away, so its end is not a blank line.
  private skippedText = false;

  constructor(
    private readonly handlers: SseParserHandlers,
    private readonly maxEventChars: number,
  ) {}

  push(chunk: Uint8Array): void {
    this.processText(this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    this.processText(this.decoder.decode());
    this.pending = '';
    this.clearEvent();
    this.skipping = false;
    this.skippedText = false;
  }

  private clearEvent(): void {
    this.dataLines = [];
    this.dataChars = 0;
    this.eventName = '';
  }

  private dispatch(): void {
    const data = this.dataLines.join('\n');
    const hasData = this.dataLines.length > 0;
    const event = this.eventName || 'message';
    this.clearEvent();
    if (hasData) this.handlers.onEvent({ event, data, id: this.lastId });
  }

  private oversize(): void {
    this.clearEvent();
    this.skipping = true;
    this.skippedText = this.pending !== '';
    this.pending = '';
    this.handlers.onOversize?.();
  }

  private tooLarge(): boolean {
    return this.dataChars + this.eventName.length + this.pending.length > this.maxEventChars;
  }

  private processField(field: string, value: string): void {
    switch (field) {
      case 'event':
        this.eventName = value;
        if (this.tooLarge()) this.oversize();
        break;
      case 'data':
        this.dataLines.push(value);
        this.dataChars += value.length + 1;
        if (this.tooLarge()) this.oversize();
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
    }
  }

  private processLine(line: string): void {
    if (this.skipping) {
      if (line === '' && !this.skippedText) this.skipping = false;
      this.skippedText = false;
    } else if (line === '') {
      this.dispatch();
    } else if (!line.startsWith(':')) {
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1);
      this.processField(field, value.startsWith(' ') ? value.slice(1) : value);
    }
  }

  private processText(text: string): void {
    // After a trailing CR, `pending` is empty, so the LF to skip is the first character.
    const fresh = this.skipLeadingLf && text.startsWith('\n') ? text.slice(1) : text;
    this.skipLeadingLf = false;
    const buffer = this.pending + fresh;
    // `pending` holds no line break, so only the fresh text needs scanning.
    const scanFrom = this.pending.length;
    // The unfinished line is in `buffer` now; `tooLarge` must not count it twice.
    this.pending = '';
    let start = 0;
    for (let i = scanFrom; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== '\r' && ch !== '\n') continue;
      this.processLine(buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 === buffer.length) this.skipLeadingLf = true;
        else if (buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.pending = buffer.slice(start);
    if (this.skipping && this.pending !== '') {
      this.skippedText = true;
      this.pending = '';
    } else if (this.tooLarge()) {
      this.oversize();
    }
  }
}
