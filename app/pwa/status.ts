// Where this copy of the app stands: online or not, an update waiting, an install offer.
// The listeners below and the service worker bridge (bridge.ts) write these signals.

import { signal } from '@preact/signals';

/** What Chromium hands over on `beforeinstallprompt`; not in the DOM typings. */
export interface InstallOffer extends Event {
  prompt(): Promise<void>;
}

export const online = signal(typeof navigator === 'undefined' || navigator.onLine);
/** Set while a new version waits: calling it activates that version and reloads the page. */
export const waitingUpdate = signal<(() => Promise<void>) | null>(null);
/** Set while the browser offers to install the app. */
export const installOffer = signal<InstallOffer | null>(null);

export function watchBrowser(): void {
  addEventListener('online', () => {
    online.value = true;
  });
  addEventListener('offline', () => {
    online.value = false;
  });
  addEventListener('beforeinstallprompt', (event) => {
    // Keeps the browser's own mini-infobar away; the install button shows the offer instead.
    event.preventDefault();
    installOffer.value = event as InstallOffer;
  });
  addEventListener('appinstalled', () => {
    installOffer.value = null;
  });
}
