import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { readTerminalQr, terminalQr } from './qr';

/** Paints the module matrix as pixels, as a camera would see the terminal, and decodes it. */
export function decodeModules(modules: boolean[][], scale = 4): string | null {
  const height = modules.length * scale;
  const width = (modules[0]?.length ?? 0) * scale;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = modules[Math.floor(y / scale)]?.[Math.floor(x / scale)] ? 0 : 255;
      pixels.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  return jsQR(pixels, width, height)?.data ?? null;
}

describe('terminalQr', () => {
  const link = 'http://127.0.0.1:8787/#k=AbCdEfGhIjKlMnOpQrStUv';

  it.each([false, true])('draws a code that decodes to the link (colour %s)', (colour) => {
    const lines = terminalQr(link, colour);
    expect(decodeModules(readTerminalQr(lines))).toBe(link);
  });

  it('puts two rows of modules in each line, in half blocks, with a light margin', () => {
    const lines = terminalQr(link, false);
    const modules = readTerminalQr(lines);
    expect(modules.length).toBe(lines.length * 2);
    expect(lines.join('')).toMatch(/^[ ▀▄█]+$/);
    expect(modules[0]?.every((dark) => !dark)).toBe(true);
  });

  it('reads no code from text that is not one', () => {
    expect(decodeModules(readTerminalQr(['Join this room:', '', 'Scan it']))).toBeNull();
  });
});
