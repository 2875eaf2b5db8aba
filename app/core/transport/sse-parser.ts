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

export function createSseParser(
  handlers: SseParserHandlers,
  { maxEventChars }: SseParserOptions,
): SseParser {
  // Stream mode keeps a multi-byte character split across chunks intact; the BOM is stripped.
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  // A chunk ending in CR may be the first half of CRLF.
  let skipLeadingLf = false;
  let eventName = '';
  let dataLines: string[] = [];
  let dataChars = 0;
  let lastId = '';
  // After an oversize event, every line is ignored until a blank one.
  let skipping = false;
  // The line being skipped had text that was thrown away, so its end is not a blank line.
  let skippedText = false;

  function clearEvent(): void {
    dataLines = [];
    dataChars = 0;
    eventName = '';
  }

  function dispatch(): void {
    const data = dataLines.join('\n');
    const hasData = dataLines.length > 0;
    const event = eventName || 'message';
    clearEvent();
    if (hasData) handlers.onEvent({ event, data, id: lastId });
  }

  function oversize(): void {
    clearEvent();
    skipping = true;
    skippedText = pending !== '';
    pending = '';
    handlers.onOversize?.();
  }

  const heldChars = () => dataChars + eventName.length + pending.length;

  function processField(field: string, value: string): void {
    switch (field) {
      case 'event':
        eventName = value;
        if (heldChars() > maxEventChars) oversize();
        break;
      case 'data':
        dataLines.push(value);
        dataChars += value.length + 1;
        if (heldChars() > maxEventChars) oversize();
        break;
      case 'id':
        if (!value.includes('\0')) lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) handlers.onRetry?.(Number(value));
        break;
    }
  }

  function processLine(line: string): void {
    if (skipping) {
      if (line === '' && !skippedText) skipping = false;
      skippedText = false;
    } else if (line === '') {
      dispatch();
    } else if (!line.startsWith(':')) {
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1);
      processField(field, value.startsWith(' ') ? value.slice(1) : value);
    }
  }

  function processText(text: string): void {
    // After a trailing CR, `pending` is empty, so the LF to skip is the first character.
    const fresh = skipLeadingLf && text.startsWith('\n') ? text.slice(1) : text;
    skipLeadingLf = false;
    const buffer = pending + fresh;
    // `pending` holds no line break, so only the fresh text needs scanning.
    const scanFrom = pending.length;
    // The unfinished line is in `buffer` now; `heldChars` must not count it twice.
    pending = '';
    let start = 0;
    for (let i = scanFrom; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== '\r' && ch !== '\n') continue;
      processLine(buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 === buffer.length) skipLeadingLf = true;
        else if (buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    pending = buffer.slice(start);
    if (skipping && pending !== '') {
      skippedText = true;
      pending = '';
    } else if (heldChars() > maxEventChars) {
      oversize();
    }
  }

  return {
    push(chunk) {
      processText(decoder.decode(chunk, { stream: true }));
    },
    end() {
      processText(decoder.decode());
      pending = '';
      clearEvent();
      skipping = false;
      skippedText = false;
    },
  };
}
