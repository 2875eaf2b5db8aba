// Which Chromium the suite and the benchmarks run, and with what flags. Plain JavaScript so
// that e2e/fixtures (TypeScript) and bench/ (run by node directly) share one copy.
import { existsSync } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags every test browser gets: no sandbox as root, and no traffic beyond the test's own. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Host candidates keep their real address, so no mDNS packets leave the browser. The omnibox
  // popups are browser ui (chrome://omnibox-popup.top-chrome) that every new window, so every
  // fresh profile, loads in a renderer of its own: over a second of CPU beside the app's page.
  '--disable-features=WebRtcHideLocalIpsWithMdns,WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
]);

/** The Chromium to run: an explicit env override, else Debian's, else Playwright's own. */
export function chromiumExecutablePath() {
  const override = process.env.CLIPMESH_CHROMIUM || process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
  if (override) return override;
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
}
