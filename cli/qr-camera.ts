// For tests: what a phone's camera reads from a QR code printed in the terminal.

import jsQR from 'jsqr';
import { readTerminalQr } from './qr';

/** Paints the printed modules as pixels, as a camera sees the screen, and decodes them. */
export function decodeTerminalQr(lines: string[], scale = 4): string | null {
  const modules = readTerminalQr(lines);
  const height = modules.length * scale;
  const width = (modules[0]?.length ?? 0) * scale;
  if (width === 0) return null;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = modules[Math.floor(y / scale)]?.[Math.floor(x / scale)] ? 0 : 255;
      pixels.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  return jsQR(pixels, width, height)?.data ?? null;
}
