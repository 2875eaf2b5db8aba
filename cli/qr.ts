// A QR code in the terminal: two rows of modules per line of half-block characters, dark
// on light whatever the terminal's colours, with the quiet zone a camera needs around it.

import { create } from 'qrcode/lib/core/qrcode.js';

const QUIET = 2;
/** Top and bottom module of one character cell: light/dark pairs. */
const CELLS = [' ', '▄', '▀', '█'] as const;
const DARK_ON_LIGHT = '\x1b[30;47m';
const RESET = '\x1b[0m';

/** The lines of the QR code of `text`; with `colour`, each line sets black on white. */
export function terminalQr(text: string, colour: boolean): string[] {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size + 2 * QUIET;
  const dark = (row: number, col: number): boolean => {
    const r = row - QUIET;
    const c = col - QUIET;
    if (r < 0 || c < 0 || r >= modules.size || c >= modules.size) return false;
    return modules.get(r, c) === 1;
  };
  const lines: string[] = [];
  for (let row = 0; row < size; row += 2) {
    let line = '';
    for (let col = 0; col < size; col++) {
      line += CELLS[(dark(row, col) ? 2 : 0) + (dark(row + 1, col) ? 1 : 0)];
    }
    lines.push(colour ? `${DARK_ON_LIGHT}${line}${RESET}` : line);
  }
  return lines;
}

/** The module matrix drawn in `lines` (their colours ignored), true for dark: what a camera sees. */
export function readTerminalQr(lines: string[]): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of lines) {
    const cells = [...line.replaceAll(DARK_ON_LIGHT, '').replaceAll(RESET, '')];
    const index = (cell: string) => CELLS.indexOf(cell as (typeof CELLS)[number]);
    if (cells.length === 0 || cells.some((cell) => index(cell) < 0)) continue;
    rows.push(cells.map((cell) => (index(cell) & 2) !== 0));
    rows.push(cells.map((cell) => (index(cell) & 1) !== 0));
  }
  return rows;
}
