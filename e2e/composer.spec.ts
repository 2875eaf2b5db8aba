// Sending two clips quickly: what is typed while the first is still being saved is not
// erased when that first send completes.
import type { Device } from './fixtures/device';
import { startRoom, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

interface HeldStorage {
  releaseStorage?: () => void;
}

/**
 * Keeps a read-write transaction open over the app's whole IndexedDB database, as another
 * tab writing a large history would, so the app's next save waits until `release`.
 */
async function holdStorage(device: Device): Promise<() => Promise<void>> {
  await device.page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('clipmesh');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const transaction = db.transaction(names, 'readwrite');
          const store = transaction.objectStore(names[0] as string);
          let held = true;
          (window as HeldStorage).releaseStorage = () => {
            held = false;
          };
          // A transaction with a request in flight cannot commit, so the app's waits.
          const keepBusy = (): void => {
            if (held) store.count().onsuccess = keepBusy;
          };
          keepBusy();
          resolve();
        };
      }),
  );
  return () => device.page.evaluate(() => (window as HeldStorage).releaseStorage?.());
}

async function twoDevices(devices: Parameters<typeof startRoom>[0], relayUrl: string) {
  const { devices: pair } = await startRoom(devices, relayUrl, ['A', 'B']);
  const [a, b] = pair as [Device, Device];
  return {
    a,
    b,
    box: a.page.getByLabel('Clip text'),
    send: a.page.getByRole('button', { name: 'Send', exact: true }),
    pasteAndSend: a.page.getByRole('button', { name: 'Paste & send' }),
  };
}

test('the next clip typed while Paste & send is still saving is kept, and sends', async ({
  relay,
  devices,
}) => {
  const { a, b, box, send, pasteAndSend } = await twoDevices(devices, relay.url);
  await a.page.evaluate(() => navigator.clipboard.writeText('pasted first'));
  const release = await holdStorage(a);
  await pasteAndSend.click();
  await expect(a.page.locator('[data-testid="clip"]')).toHaveCount(1);
  await box.fill('typed second');
  // Still saving: the clip is not on disk yet, so the send has not completed.
  await expect(pasteAndSend).toBeDisabled();

  await release();
  await expect(pasteAndSend).toBeEnabled();
  await expect(box).toHaveValue('typed second');

  await send.click();
  await expect(box).toHaveValue('');
  await waitForTexts(b, ['pasted first', 'typed second']);
});

test('the composer empties after a send only if it still holds just what was sent', async ({
  relay,
  devices,
}) => {
  const { a, b, box, send, pasteAndSend } = await twoDevices(devices, relay.url);
  const release = await holdStorage(a);
  await box.fill('first');
  await send.click();
  await expect(pasteAndSend).toBeDisabled();
  await box.pressSequentially(' and more');
  await release();
  await waitForTexts(b, ['first']);
  // Enabled again once the send completed, whatever the box holds.
  await expect(pasteAndSend).toBeEnabled();
  await expect(box).toHaveValue('first and more');

  // Nothing typed meanwhile: the box empties as before.
  await box.fill('second');
  await send.click();
  await expect(box).toHaveValue('');
  await waitForTexts(b, ['second']);
});
