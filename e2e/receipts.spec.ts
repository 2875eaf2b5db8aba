// Which devices hold a clip, by name, and which a clip still waits for.
import { openLink } from './fixtures/app';
import { clipWithText, expectPeerNamed, renameThisDevice } from './fixtures/controls';
import { sendAndAwait, startRoom } from './fixtures/room';
import { expect, test } from './fixtures/test';

test('the sender sees which devices got a clip by name, and which device a clip waits for while it is away', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const { devices: room, link } = await startRoom(devices, relay.url, [
    'laptop',
    'phone',
    'tablet',
  ]);
  const [laptop, phone, tablet] = room as [(typeof room)[0], (typeof room)[0], (typeof room)[0]];
  await renameThisDevice(laptop, 'Laptop');
  await renameThisDevice(phone, 'Phone');
  await renameThisDevice(tablet, 'Tablet');
  for (const name of ['Phone', 'Tablet']) await expectPeerNamed(laptop, name);
  await expectPeerNamed(phone, 'Laptop');

  await sendAndAwait(laptop, 'clip 1 for everyone', [phone, tablet]);
  const first = clipWithText(laptop, 'clip 1 for everyone').getByTestId('receipt');
  await expect(first).toHaveText('on 3 devices');
  await expect(first).toHaveAccessibleName(
    /^On 3 devices: Laptop \(this device\), (Phone and Tablet|Tablet and Phone)\.$/,
  );
  // A tap shows the names: phones have no hover.
  await first.click();
  const detail = clipWithText(laptop, 'clip 1 for everyone').getByTestId('receipt-detail');
  await expect(detail).toHaveText(/^On: Laptop \(this device\), (Phone, Tablet|Tablet, Phone)$/);
  await expect(first).toHaveAttribute('aria-expanded', 'true');
  // A receiver names the sender and itself.
  await expect(
    clipWithText(phone, 'clip 1 for everyone').getByTestId('receipt'),
  ).toHaveAccessibleName('On 2 devices: Laptop and Phone (this device).');

  await tablet.page.goto('about:blank');
  await expect(laptop.page.locator('[data-testid="device"][data-state="lost"]')).toHaveCount(1, {
    timeout: 20_000,
  });
  await sendAndAwait(laptop, 'clip 2 while the tablet is away', [phone]);
  const second = clipWithText(laptop, 'clip 2 while the tablet is away').getByTestId('receipt');
  await expect(second).toHaveAccessibleName(
    'On 2 devices: Laptop (this device) and Phone. Waiting for Tablet.',
  );
  await second.click();
  const secondDetail = clipWithText(laptop, 'clip 2 while the tablet is away').getByTestId(
    'receipt-detail',
  );
  await expect(secondDetail.locator('span')).toHaveText([
    'On: Laptop (this device), Phone',
    'Waiting for: Tablet',
  ]);

  // Back, the tablet catches up and the laptop hears its receipt.
  await openLink(tablet, link);
  await expect(second).toHaveAccessibleName(
    'On 3 devices: Laptop (this device), Phone and Tablet.',
    { timeout: 20_000 },
  );
});
