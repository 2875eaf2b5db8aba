import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __TEST_HOOKS__: 'true' },
  test: {
    include: [
      'app/**/*.test.ts',
      'relay/**/*.test.ts',
      'cli/**/*.test.ts',
      'scripts/**/*.test.mjs',
      'e2e/coverage/*.test.ts',
    ],
    // Real WebRTC needs a network namespace: npm run test:webrtc (vitest.webrtc.config.ts).
    exclude: [...configDefaults.exclude, '**/*.webrtc.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
