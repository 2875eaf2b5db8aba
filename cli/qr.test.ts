import { describe, expect, it } from 'vitest';
import { readTerminalQr, terminalQr } from './qr';
import { decodeTerminalQr } from './qr-camera';

describe('terminalQr', () => {
  const link = 'http://127.0.0.1:8787/#k=AbCdEfGhIjKlMnOpQrStUv';

  it.each([false, true])('draws a code that decodes to the link (colour %s)', (colour) => {
    const lines = terminalQr(link, colour);
    expect(decodeTerminalQr(lines)).toBe(link);
  });

  it('puts two rows of modules in each line, in half blocks, with a light margin', () => {
    const lines = terminalQr(link, false);
    const modules = readTerminalQr(lines);
    expect(modules.length).toBe(lines.length * 2);
    expect(lines.join('')).toMatch(/^[ ▀▄█]+$/);
    expect(modules[0]?.every((dark) => !dark)).toBe(true);
  });

  it('reads no code from text that is not one', () => {
    expect(decodeTerminalQr(['Join this room:', '', 'Scan it'])).toBeNull();
  });
});
