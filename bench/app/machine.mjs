// The machine around a benchmark: how busy its cores are, and figures from samples.
import { readFileSync } from 'node:fs';

const QUIET_CPU_PERCENT = 25;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds() {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/ +/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  // idle and iowait are the 4th and 5th columns, in clock ticks of 1/100 s.
  return (total - ticks[3] - ticks[4]) / 100;
}

/** Waits up to `waitMs` for other processes to calm down; returns the busy percent seen last. */
export async function waitForQuietMachine(log, waitMs) {
  let busy = 0;
  for (let waited = 0; waited < waitMs; waited += 1000) {
    const before = machineCpuSeconds();
    await sleep(1000);
    busy = Math.round(100 * (machineCpuSeconds() - before));
    if (busy <= QUIET_CPU_PERCENT) return busy;
    if (waited === 0) log(`machine busy (${busy}% CPU in other processes); waiting`);
  }
  log(`machine still busy (${busy}% CPU); going on, figures will be pessimistic`);
  return busy;
}

export const isBusy = (percent) => percent > QUIET_CPU_PERCENT;

/** Nearest-rank percentile, the same rule as bench/relay.mjs. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function round(value, digits = 1) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
