// Cutting text into ranges of UTF-16 units without parting a surrogate pair: each half
// alone would not survive UTF-8 on the wire, and renders as a replacement box on screen.

/** `end`, or one less when cutting there would part a surrogate pair. */
export function safeEnd(text: string, end: number): number {
  if (end <= 0 || end >= text.length) return Math.max(0, Math.min(end, text.length));
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** Ranges of at most `chars` units (two or more) covering `text`, in order. */
export function textRanges(text: string, chars: number): [number, number][] {
  if (chars < 2) throw new RangeError(`Ranges of ${chars} characters are too small`);
  const ranges: [number, number][] = [];
  for (let start = 0; start < text.length; ) {
    const end = safeEnd(text, Math.min(start + chars, text.length));
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
