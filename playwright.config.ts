import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutablePath } from './e2e/fixtures/browser';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  // Each test starts several browser processes; two cores fit one test at a time.
  workers: 1,
  fullyParallel: false,
  // A flaky test gets fixed, not retried.
  retries: 0,
  timeout: 60_000,
  forbidOnly: Boolean(process.env.CI),
  // The coverage summary prints after the list's own.
  reporter: [['list'], ['./e2e/coverage/reporter.ts']],
  use: {
    launchOptions: { executablePath: chromiumExecutablePath(), args: [...CHROMIUM_ARGS] },
  },
});
