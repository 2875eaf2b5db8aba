// The one place where the page talks to its service worker: registration, the hourly check
// for a new version, and the update that waits until the person chooses Reload.

import { registerSW } from 'virtual:pwa-register';
import { errorText } from '../ui/lib/error-text';
import { notice } from '../ui/state';
import { online, waitingUpdate } from './status';

// An open tab can live for days; the browser itself checks only on navigation.
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const update = registerSW({
    immediate: true,
    // The new worker takes over only when asked; registerSW then reloads every open tab.
    onNeedRefresh: () => {
      waitingUpdate.value = () => update(true);
    },
    onRegisteredSW: (_url, registration) => {
      if (!registration) return;
      setInterval(() => {
        // A failed check changes nothing; the next one comes an hour later.
        if (online.value) registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
    onRegisterError: (cause: unknown) => {
      notice.value = `clipmesh will not work offline in this browser: ${errorText(cause)}`;
    },
  });
}
