// Issue #11: no file of the app's core over 300 lines, tests aside. Biome holds functions to
// their limit; this holds files to theirs, run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORE = 'app/core';
const MAX_LINES = 300;

/** Lines as `wc -l` counts them, plus a last line left without its newline. */
function lineCount(text) {
  const breaks = text.split('\n').length - 1;
  return text === '' || text.endsWith('\n') ? breaks : breaks + 1;
}

const oversized = readdirSync(join(REPO_ROOT, CORE), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => ({
    path: `${CORE}/${file}`,
    lines: lineCount(readFileSync(join(REPO_ROOT, CORE, file), 'utf8')),
  }))
  .filter(({ lines }) => lines > MAX_LINES)
  .sort((a, b) => b.lines - a.lines);

for (const { path, lines } of oversized) console.error(`${path}: ${lines} lines`);
if (oversized.length > 0) {
  console.error(
    `check-size: ${oversized.length} core file(s) over ${MAX_LINES} lines; split by idea`,
  );
  process.exit(1);
}
