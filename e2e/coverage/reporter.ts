// Prints, after the e2e run, how much of app/ the device pages ran: per file for app/ui and
// app/core, their totals, and every UI file that no test touched. It only reports: a low
// figure never fails the run.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter } from '@playwright/test/reporter';
import { coverageEnabled, RAW_DIR } from './collect';
import { addLine, builtChunks, chunkMappings, type Lines, REPO_ROOT } from './sourcemap';

const SUMMARY_FILE = join(REPO_ROOT, 'test-results/coverage/summary.json');
const SHOWN = ['app/ui/', 'app/core/'];

/** Every line of app/ that holds code in the build (the lines a sourcemap points at). */
function codeLines(): Lines {
  const lines: Lines = new Map();
  for (const chunk of builtChunks()) {
    for (const { file, sourceLine } of chunkMappings(chunk) ?? [])
      addLine(lines, file, sourceLine + 1);
  }
  return lines;
}

/** The lines the device pages ran, added up over every device of the run. */
function ranLines(): { lines: Lines; devices: number } {
  const lines: Lines = new Map();
  const files = existsSync(RAW_DIR) ? readdirSync(RAW_DIR) : [];
  for (const name of files) {
    const ran = JSON.parse(readFileSync(join(RAW_DIR, name), 'utf8')) as Record<string, number[]>;
    for (const [file, numbers] of Object.entries(ran)) {
      for (const line of numbers) addLine(lines, file, line);
    }
  }
  return { lines, devices: files.length };
}

/** The UI's source files, tests left out. */
function uiFiles(dir = join(REPO_ROOT, 'app/ui')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return uiFiles(path);
    const source = /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name);
    return source ? [relative(REPO_ROOT, path)] : [];
  });
}

const percent = (ran: number, of: number) =>
  `${of === 0 ? '  -  ' : ((100 * ran) / of).toFixed(1).padStart(5)}%`;

interface Row {
  file: string;
  ran: number;
  of: number;
}

function summarize(): string[] {
  const code = codeLines();
  if (code.size === 0) return ['no sourcemaps in dist/app-test/assets: run `npm run build` again'];
  const { lines: ran, devices } = ranLines();
  const rows: Row[] = [...code]
    .map(([file, lines]) => ({
      file,
      of: lines.size,
      ran: [...(ran.get(file) ?? [])].filter((line) => lines.has(line)).length,
    }))
    .sort((a, b) => a.file.localeCompare(b.file));
  const total = (prefix: string): Row => {
    const some = rows.filter((row) => row.file.startsWith(prefix));
    const sum = (key: 'ran' | 'of') => some.reduce((n, row) => n + row[key], 0);
    return { file: `${prefix} (total)`, ran: sum('ran'), of: sum('of') };
  };
  const line = ({ file, ran: r, of }: Row) =>
    `  ${percent(r, of)} ${`${r}/${of}`.padStart(9)}  ${file}`;
  const untouched = uiFiles()
    .filter((file) => !code.has(file) || rows.some((row) => row.file === file && row.ran === 0))
    .map((file) => `  ${file}${code.has(file) ? '' : ' (no code in the build)'}`);
  const totals = [...SHOWN, 'app/'].map(total);
  writeFileSync(SUMMARY_FILE, JSON.stringify({ devices, files: rows, totals }, null, 2));
  return [
    `Coverage of app/ in the e2e pages: lines run, from ${devices} device(s) (V8 via Playwright, mapped through the sourcemaps)`,
    ...rows.filter((row) => SHOWN.some((prefix) => row.file.startsWith(prefix))).map(line),
    ...totals.map(line),
    untouched.length === 0
      ? 'Every app/ui file is touched by some test.'
      : `app/ui files no test touches (${untouched.length}):`,
    ...untouched,
    `(as JSON in ${relative(REPO_ROOT, SUMMARY_FILE)})`,
  ];
}

export default class CoverageReporter implements Reporter {
  onBegin(): void {
    rmSync(RAW_DIR, { recursive: true, force: true });
  }

  onEnd(): void {
    if (!coverageEnabled()) return;
    try {
      console.log(`\n${summarize().join('\n')}`);
    } catch (error) {
      // The report only informs; a broken one is said, and the run keeps its own result.
      console.log(`\ncoverage: no summary: ${(error as Error).message}`);
    }
  }
}
