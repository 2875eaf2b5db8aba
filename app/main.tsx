import { render } from 'preact';
import { parseLocationHash } from './core/link';
import { takeShare } from './pwa/share';
import { watchBrowser } from './pwa/status';
import { App } from './ui/app';
import { start } from './ui/device-control';
import { errorText } from './ui/lib/error-text';
import { notice } from './ui/state';
import './ui/app.css';

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
  if (!parseLocationHash(location.hash)?.ok) import('qrcode').catch(() => undefined);
  // Offline use and updates load once the first room is shown, so they never hold it up.
  started.finally(registerServiceWorker);
}
