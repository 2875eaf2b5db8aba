// Huge clips freeze the page when rendered whole, so the list shows their start.

export const PREVIEW_CHARS = 2000;

export interface ClipPreview {
  text: string;
  truncated: boolean;
  /** Length of the whole clip. */
  total: number;
}

export function clipPreview(text: string, limit = PREVIEW_CHARS): ClipPreview {
  if (text.length <= limit) return { text, truncated: false, total: text.length };
  let end = limit;
  // Never split a surrogate pair: half an emoji renders as a replacement box.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true, total: text.length };
}
