// Proves the shipped app leaves out the test-only search parameters, and that the e2e
// build keeps them (so this check can fail). Run after `npm run build`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Names only app/ui/lib/test-hooks.ts uses. */
const HOOK_NAMES = ['relay-room', 'part-timeout'];

function scriptsOf(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((file) => String(file).endsWith('.js'))
    .map((file) => readFileSync(join(dir, String(file)), 'utf8'))
    .join('\n');
}

function found(dir) {
  const code = scriptsOf(join(REPO_ROOT, dir));
  return HOOK_NAMES.filter((name) => code.includes(name));
}

const shipped = found('dist/app');
const e2e = found('dist/app-test');
if (shipped.length > 0) {
  console.error(`check-dist: dist/app reads test-only parameters: ${shipped.join(', ')}`);
  process.exit(1);
}
if (e2e.length !== HOOK_NAMES.length) {
  console.error('check-dist: dist/app-test lacks the test parameters: is the check looking right?');
  process.exit(1);
}
console.log('check-dist: dist/app has no test-only parameters; dist/app-test has them');
