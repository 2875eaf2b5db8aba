// Every benchmark in turn (relay, size, lighthouse, app, cli), then one table of every figure
// beside its target, read back from bench/results/*.json. A missed target is not a failure:
// it exits 0 unless a benchmark could not run at all. Usage: npm run build && npm run bench
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RELAY_TARGETS } from './relay-targets.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCHMARKS = ['relay', 'size', 'lighthouse', 'app', 'cli'];

const failed = [];
for (const name of BENCHMARKS) {
  console.log(`\n=== bench:${name} ===`);
  const run = spawnSync(process.execPath, [`bench/${name}.mjs`], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(name);
}

/** `[benchmark, figure, value, target]` rows from one result file. */
function rowsOf(name) {
  const file = `${REPO_ROOT}bench/results/${name}.json`;
  if (!existsSync(file)) return [[name, '(no results)', '-', '-']];
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const values = name === 'size' ? result.results : name === 'lighthouse' ? result.scores : result;
  const targets = result.targets ?? RELAY_TARGETS;
  return Object.entries(targets).map(([figure, target]) => [
    name,
    figure,
    values[figure] ?? null,
    target,
  ]);
}

function verdict(value, target) {
  if (value === null) return 'not run';
  if ('min' in target) return value >= target.min ? 'ok' : 'MISSED';
  if ('max' in target) return value <= target.max ? 'ok' : 'MISSED';
  return 'info';
}

const rows = BENCHMARKS.flatMap(rowsOf).map(([name, figure, value, target]) => {
  const wanted = target.text ?? ('min' in target ? `>= ${target.min}` : `<= ${target.max}`);
  return [name, figure, String(value ?? '-'), wanted, verdict(value, target)];
});
const header = ['bench', 'figure', 'value', 'target', 'ok?'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(`\n${line(header)}`);
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
if (failed.length) console.log(`did not finish: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
