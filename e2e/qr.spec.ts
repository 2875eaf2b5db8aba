// The QR helper stands in for a phone camera in the pairing scenarios, so it is tested too.
import QRCode from 'qrcode';
import { decodeQrFromScreen } from './fixtures/qr';
import { expect, test } from './fixtures/test';

test('a QR code shown on one screen decodes back to the same link', async ({ devices }) => {
  const link = 'http://127.0.0.1:8080/#room=Jm9vYmFyLWJhei1xdXV4LXNlY3JldC0yNTY';
  const a = await devices.launch('A');
  await a.page.setContent(`<img id="qr" alt="pairing code" src="${await QRCode.toDataURL(link)}">`);

  expect(await decodeQrFromScreen(a.page, '#qr')).toBe(link);
});

test('reading a screen with no QR code fails with a message naming the element', async ({
  devices,
}) => {
  const a = await devices.launch('A');
  await a.page.setContent('<p id="blank" style="width: 200px; height: 200px">no code here</p>');

  await expect(decodeQrFromScreen(a.page, '#blank')).rejects.toThrow(/no QR code .* #blank/);
});
