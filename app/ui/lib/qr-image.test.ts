import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { makeJoinLink, newRoomSecret } from '../../core/link';
import { QR_OPTIONS } from './qr-image';

/** The code as a picture: 4 pixels a module, black on white, with its quiet zone. */
function picture(link: string): { data: Uint8ClampedArray; size: number } {
  const { modules } = QRCode.create(link, QR_OPTIONS);
  const scale = 4;
  const margin = QR_OPTIONS.margin;
  const size = (modules.size + 2 * margin) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const row = Math.floor(y / scale) - margin;
      const column = Math.floor(x / scale) - margin;
      const inside = row >= 0 && column >= 0 && row < modules.size && column < modules.size;
      if (!inside || !modules.get(row, column)) continue;
      data.fill(0, (y * size + x) * 4, (y * size + x) * 4 + 3);
    }
  }
  return { data, size };
}

describe('the join QR code', () => {
  it('decodes back to its link for many rooms, with the fixed mask', () => {
    for (let i = 0; i < 40; i++) {
      const link = makeJoinLink('https://clipmesh.example/app/', newRoomSecret());
      const { data, size } = picture(link);
      expect(jsQR(data, size, size)?.data).toBe(link);
    }
  });
});
