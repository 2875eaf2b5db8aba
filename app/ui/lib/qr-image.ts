// The join link as a QR code image (`qrcode` loads outside the first bundle). A new room's code
// is drawn while the room opens, so it shows with the join section; a joining device's own code
// can wait (see showRoom).

import { idleAfter } from './idle-after';

interface Drawing {
  link: string;
  source: Promise<string>;
  drawn?: string;
}

/**
 * A fixed mask: every reader decodes all eight, and scoring all eight to pick one took three
 * quarters of the drawing, on the way to the first QR a person sees.
 */
export const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, maskPattern: 0 } as const;

// Only the shown room's code is kept.
let latest: Drawing | undefined;

async function draw(link: string, delayMs: number): Promise<string> {
  if (delayMs > 0) await idleAfter(delayMs);
  const QRCode = await import('qrcode');
  const svg = await QRCode.toString(link, { type: 'svg', ...QR_OPTIONS });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * The image source of the code of `link`, drawn once (not before `delayMs`, then when the page
 * is idle); a failed drawing is tried again.
 */
export function qrImageSource(link: string, { delayMs = 0 } = {}): Promise<string> {
  if (latest?.link === link) return latest.source;
  const drawing: Drawing = { link, source: draw(link, delayMs) };
  drawing.source.then(
    (source) => {
      drawing.drawn = source;
    },
    () => {
      if (latest === drawing) latest = undefined;
    },
  );
  latest = drawing;
  return drawing.source;
}

/** The image source of the code of `link` if it is drawn already, else null. */
export function drawnQrImage(link: string): string | null {
  return latest?.link === link ? (latest.drawn ?? null) : null;
}
