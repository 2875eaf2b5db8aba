// App size benchmark: reads the built app (dist/app) and reports the JavaScript a first visit
// must run before the page can render (the entry script and what it loads statically, gzip)
// and what the service worker precaches. Usage: npm run build:app && node bench/size.mjs
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP_DIR = join(REPO_ROOT, 'dist/app');
const RESULTS_FILE = join(REPO_ROOT, 'bench/results/size.json');
const KIB = 1024;

const TARGETS = {
  initial_js_gzip_kib: { max: 30, text: '≤ 30' },
  all_js_gzip_kib: { text: '(info)' },
  initial_css_gzip_kib: { text: '(info)' },
  total_precache_kib: { max: 400, text: '≤ 400' },
  precache_entries: { text: '(info)' },
};

const read = (path) => readFileSync(join(APP_DIR, path));
const gzipKib = (paths) => paths.reduce((sum, path) => sum + gzipSync(read(path)).length, 0) / KIB;

/** Every `attr` value of the tags in `html` that match `tagPattern`. */
function attributes(html, tagPattern, attr) {
  const values = [];
  for (const [tag] of html.matchAll(tagPattern)) {
    const value = new RegExp(`\\s${attr}="([^"]+)"`).exec(tag)?.[1];
    if (value) values.push(posix.normalize(value.replace(/^\.?\//, '')));
  }
  return values;
}

/** The chunk and everything it imports statically (`import ... from "./x.js"`), transitively. */
function staticClosure(entries) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = read(path).toString();
    // Static imports only: `import("...")` is left for later and not counted.
    for (const [, spec] of code.matchAll(
      /(?:^|[;}\n])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+)["']/g,
    )) {
      if (spec.startsWith('.')) visit(posix.join(posix.dirname(path), spec));
    }
  };
  for (const entry of entries) visit(entry);
  return [...seen];
}

/** The URLs in the generated service worker's precache manifest. */
function precacheUrls() {
  const sw = read('sw.js').toString();
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map(([, url]) => url);
  if (urls.length === 0) throw new Error('dist/app/sw.js holds no precache manifest');
  return urls;
}

function main() {
  if (!existsSync(join(APP_DIR, 'index.html')) || !existsSync(join(APP_DIR, 'sw.js'))) {
    console.error('dist/app is not built: run `npm run build:app` first.');
    process.exit(1);
  }
  const html = read('index.html').toString();
  const entries = attributes(html, /<script\b[^>]*type="module"[^>]*>/g, 'src');
  const preloads = attributes(html, /<link\b[^>]*rel="modulepreload"[^>]*>/g, 'href');
  const initialJs = staticClosure([...entries, ...preloads]);
  const styles = attributes(html, /<link\b[^>]*rel="stylesheet"[^>]*>/g, 'href');
  const precache = precacheUrls();
  const allJs = precache.filter((url) => url.endsWith('.js') && url.startsWith('assets/'));

  const results = {
    initial_js_gzip_kib: round(gzipKib(initialJs)),
    all_js_gzip_kib: round(gzipKib(allJs)),
    initial_css_gzip_kib: round(gzipKib(styles)),
    total_precache_kib: round(
      precache.reduce((sum, url) => sum + statSync(join(APP_DIR, url)).size, 0) / KIB,
    ),
    precache_entries: precache.length,
  };
  const report = {
    date: new Date().toISOString(),
    results,
    initial_js: initialJs,
    targets: TARGETS,
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);

  console.log(`${'figure'.padEnd(22)} ${'value'.padStart(8)}  target   `);
  for (const [name, value] of Object.entries(results)) {
    const target = TARGETS[name];
    const verdict = target.max === undefined ? '' : value <= target.max ? 'ok' : 'MISSED';
    console.log(
      `${name.padEnd(22)} ${String(value).padStart(8)}  ${target.text.padEnd(8)} ${verdict}`,
    );
  }
  console.log(`initial JavaScript: ${initialJs.join(', ')}`);
  console.log(`written to ${posix.relative(REPO_ROOT, RESULTS_FILE)}`);
}

const round = (value) => Math.round(value * 100) / 100;

main();
