// The one esbuild setup for the relay: a single ESM file that runs with plain `node`.
// `npm run build:relay` runs this file; the relay's command tests build with the same options.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** esbuild options writing the relay bundle to `outfile`. */
export const relayBuildOptions = (outfile) => ({
  entryPoints: [`${REPO_ROOT}relay/main.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  // The Redis client is CommonJS: its require() of node: modules needs a real require in ESM.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build({ ...relayBuildOptions(`${REPO_ROOT}dist/relay.mjs`), logLevel: 'info' });
}
