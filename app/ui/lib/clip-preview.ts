// Huge clips freeze the page when rendered whole, so the list shows their start.

import { safeEnd } from '../../core/text-ranges';

export const PREVIEW_CHARS = 2000;

export interface ClipPreview {
  text: string;
  truncated: boolean;
  /** Length of the whole clip. */
  total: number;
}

export function clipPreview(text: string, limit = PREVIEW_CHARS): ClipPreview {
  if (text.length <= limit) return { text, truncated: false, total: text.length };
  return { text: text.slice(0, safeEnd(text, limit)), truncated: true, total: text.length };
}
