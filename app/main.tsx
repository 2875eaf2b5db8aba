import { render } from 'preact';
import { takeShare } from './pwa/share';
import { watchBrowser } from './pwa/status';
import { App } from './ui/app';
import { start } from './ui/device-control';
import { errorText } from './ui/lib/error-text';
import { idleAfter } from './ui/lib/idle-after';
import { openedByJoinLink } from './ui/room-control';
import { notice } from './ui/state';
import './ui/app.css';

/**
 * The offline copy (about 300 KiB) downloads this long after the room opened, when the page is
 * idle: the first seconds are when devices pair, and the download would slow that down.
 */
const SERVICE_WORKER_DELAY_MS = 2_000;

function registerServiceWorker(): void {
  import('./pwa/bridge')
    .then((bridge) => bridge.registerServiceWorker())
    .catch((cause: unknown) => {
      notice.value = `clipmesh will not work offline: ${errorText(cause)}`;
    });
}

const root = document.getElementById('root');
if (root) {
  takeShare();
  watchBrowser();
  // Saved data is asked for before the first render, so the disk works while the page draws.
  const started = start();
  render(<App />, root);
  // The room's mesh is needed once saved data is read: fetch it meanwhile. So is the QR code
  // drawer, unless this device came by a join link (it draws its own code later). A failure
  // shows where they are used.
  import('./core/room').catch(() => undefined);
  if (!openedByJoinLink()) import('qrcode').catch(() => undefined);
  started.finally(() => idleAfter(SERVICE_WORKER_DELAY_MS).then(registerServiceWorker));
}
