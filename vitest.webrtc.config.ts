// The suite over real WebRTC (cli/*.webrtc.test.ts). scripts/webrtc-tests.mjs runs it inside a
// private network namespace, so the links' packets never leave that namespace.
import { defineConfig } from 'vitest/config';
import { insideNamespace } from './e2e/netns.mjs';

if (!insideNamespace() && process.env.CLIPMESH_WEBRTC_HERE !== '1') {
  throw new Error('The WebRTC suite runs in its own network namespace: use npm run test:webrtc.');
}

export default defineConfig({
  define: { __TEST_HOOKS__: 'true' },
  test: {
    include: ['cli/**/*.webrtc.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // One file at a time: the 32 MiB transfer is timed against a busy machine otherwise.
    fileParallelism: false,
  },
});
