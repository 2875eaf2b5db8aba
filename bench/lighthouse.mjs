// Lighthouse benchmark: serves the built app with the relay on 127.0.0.1, audits it once with
// Debian's Chromium (mobile emulation, Lighthouse's default) and reports the category scores.
// Loopback only, and it stops by itself. Usage: npm run build && node bench/lighthouse.mjs
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { launchRelay } from '../scripts/relay-process.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = join(REPO_ROOT, 'bench/results/lighthouse.json');
const CHROMIUM = process.env.CLIPMESH_CHROMIUM || '/usr/bin/chromium';
const HARD_STOP_MS = 170_000;
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Every name but the loopback address fails to resolve: nothing leaves the machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const TARGETS = {
  performance: { min: 0.95, text: '≥ 0.95' },
  accessibility: { min: 1, text: '1.00' },
  'best-practices': { min: 0.95, text: '≥ 0.95' },
};

/** Starts dist/relay.mjs serving dist/app on a free loopback port. */
function startRelay() {
  return launchRelay({
    args: ['--port', '0', '--host', '127.0.0.1', '--static', 'dist/app'],
    stderr: 'inherit',
  });
}

async function audit(url) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: Object.keys(TARGETS),
    });
    if (!result) throw new Error('Lighthouse returned no result');
    return result.lhr;
  } finally {
    await chrome.kill();
  }
}

function describeItem(item) {
  const text = item.description ?? item.node?.selector ?? item.url ?? JSON.stringify(item);
  return String(text).slice(0, 160);
}

/** The audits that cost points, so a missed target says where to look. */
function failingAudits(lhr) {
  const failing = [];
  for (const [id, category] of Object.entries(lhr.categories)) {
    for (const ref of category.auditRefs) {
      const result = lhr.audits[ref.id];
      if (ref.weight > 0 && result.score !== null && result.score < 1) {
        // The first few items say what to fix: console messages, shifted elements, long tasks.
        const items = (result.details?.items ?? []).slice(0, 3).map(describeItem);
        failing.push({
          category: id,
          audit: ref.id,
          score: result.score,
          title: result.title,
          items,
        });
      }
    }
  }
  return failing;
}

async function main() {
  for (const file of ['dist/relay.mjs', 'dist/app/index.html']) {
    if (!existsSync(join(REPO_ROOT, file))) {
      console.error(`${file} is missing: run \`npm run build\` first.`);
      process.exit(1);
    }
  }
  const relay = await startRelay();
  const stopTimer = setTimeout(() => {
    console.error(`lighthouse: stopped after ${HARD_STOP_MS / 1000} s`);
    relay.child.kill('SIGKILL');
    process.exit(1);
  }, HARD_STOP_MS);
  try {
    // The shipped build: alone in its room, the page opens no peer connection, so it asks no
    // STUN server anything.
    const lhr = await audit(`${relay.url}/`);
    const scores = Object.fromEntries(
      Object.keys(TARGETS).map((id) => [id, lhr.categories[id]?.score ?? null]),
    );
    const metrics = Object.fromEntries(
      [
        'first-contentful-paint',
        'largest-contentful-paint',
        'total-blocking-time',
        'cumulative-layout-shift',
      ].map((id) => [id, lhr.audits[id]?.numericValue ?? null]),
    );
    const failing = failingAudits(lhr);
    const report = {
      date: new Date().toISOString(),
      lighthouse: lhr.lighthouseVersion,
      browser: lhr.environment.hostUserAgent,
      form_factor: lhr.configSettings.formFactor,
      scores,
      metrics,
      failing,
      targets: TARGETS,
    };
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);

    console.log(`${'category'.padEnd(16)} ${'score'.padStart(6)}  target`);
    for (const [id, score] of Object.entries(scores)) {
      const { min, text } = TARGETS[id];
      const verdict = score !== null && score >= min ? 'ok' : 'MISSED';
      console.log(
        `${id.padEnd(16)} ${String(score?.toFixed(2)).padStart(6)}  ${text.padEnd(7)} ${verdict}`,
      );
    }
    for (const item of failing) {
      console.log(`  ${item.category}: ${item.audit} (${item.score}) ${item.title}`);
      for (const detail of item.items) console.log(`    ${detail}`);
    }
    console.log(`written to ${relative(REPO_ROOT, RESULTS_FILE)}`);
  } finally {
    clearTimeout(stopTimer);
    relay.child.kill('SIGTERM');
  }
}

await main();
