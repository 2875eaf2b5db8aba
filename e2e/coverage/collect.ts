// Which lines of app/ each device's pages ran: V8's own block coverage, taken through
// Playwright (Chromium only) and mapped back to the sources through the hidden sourcemaps.
// Each device writes one small file of line numbers; e2e/coverage/reporter.ts adds them up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { addLine, chunkMappings, type Lines, type Mapping, REPO_ROOT } from './sourcemap';

export const RAW_DIR = join(REPO_ROOT, 'test-results/coverage/raw');
// A browser that hangs (a device put to sleep) must not hold up the test's teardown.
const STOP_TIMEOUT_MS = 5_000;

export type CoverageEntry = Awaited<ReturnType<Page['coverage']['stopJSCoverage']>>[number];

/** Off with CLIPMESH_COVERAGE=off, e.g. to time the suite without it. */
export function coverageEnabled(): boolean {
  return process.env.CLIPMESH_COVERAGE !== 'off';
}

/** How often each character of the script ran: the innermost V8 range that holds it wins. */
function countsByOffset(entry: CoverageEntry, length: number): Int32Array {
  const counts = new Int32Array(length);
  const ranges = entry.functions
    .flatMap((fn) => fn.ranges)
    .sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  for (const range of ranges) counts.fill(range.count, range.startOffset, range.endOffset);
  return counts;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Adds the app/ lines (1-based) that `entry`, a chunk with these `mappings`, ran to `covered`. */
export function addCoveredLines(entry: CoverageEntry, mappings: Mapping[], covered: Lines): void {
  if (entry.source === undefined) return;
  const counts = countsByOffset(entry, entry.source.length);
  const starts = lineStarts(entry.source);
  for (const { line, column, file, sourceLine } of mappings) {
    const offset = (starts[line] ?? Number.POSITIVE_INFINITY) + column;
    if (!((counts[offset] ?? 0) > 0)) continue;
    addLine(covered, file, sourceLine + 1);
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took over ${STOP_TIMEOUT_MS} ms`)),
      STOP_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export interface DeviceCoverage {
  /** Resolves once `page` records coverage; every page of the context is recorded. */
  started(page: Page): Promise<void>;
  /** Stops recording and writes what the open pages ran; only the first call does anything. */
  save(): Promise<void>;
}

let saved = 0;

/** Records the JS coverage of every page `context` opens, for the device named `name`. */
export function recordCoverage(context: BrowserContext, name: string): DeviceCoverage {
  const pages = new Map<Page, Promise<void>>();
  const start = (page: Page) => {
    if (!pages.has(page)) {
      pages.set(page, page.coverage.startJSCoverage({ resetOnNavigation: false }));
    }
    return pages.get(page) as Promise<void>;
  };
  context.on('page', (page) => {
    // A page that fails to start recording is reported when the device is saved.
    start(page).catch(() => undefined);
  });
  let done = false;

  async function save(): Promise<void> {
    if (done) return;
    done = true;
    const covered: Lines = new Map();
    for (const [page, started] of pages) {
      // A page closed by the test took its coverage with it.
      if (page.isClosed()) continue;
      try {
        await started;
        const entries = await withTimeout(page.coverage.stopJSCoverage(), 'stopJSCoverage');
        for (const entry of entries) {
          const mappings = chunkMappings(new URL(entry.url).pathname.split('/').at(-1) ?? '');
          if (mappings) addCoveredLines(entry, mappings, covered);
        }
      } catch (error) {
        console.warn(`coverage: ${name} gave none: ${(error as Error).message}`);
      }
    }
    const lines = Object.fromEntries([...covered].map(([file, set]) => [file, [...set]]));
    mkdirSync(RAW_DIR, { recursive: true });
    writeFileSync(join(RAW_DIR, `${process.pid}-${saved++}.json`), JSON.stringify(lines));
  }

  return { started: start, save };
}
