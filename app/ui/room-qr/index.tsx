// The join link as a QR code. `qrcode` loads on demand so it stays out of the first bundle.

import { useEffect, useState } from 'preact/hooks';
import styles from './room-qr.module.css';

async function qrImageSource(link: string): Promise<string> {
  const QRCode = await import('qrcode');
  const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function RoomQr({ link }: { link: string }) {
  const [source, setSource] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    setSource(null);
    setFailed(false);
    qrImageSource(link).then(
      (next) => current && setSource(next),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [link]);

  return (
    <div class={styles.qr} data-testid="room-qr">
      {source && <img class={styles.image} src={source} alt="QR code to join this room" />}
      {failed && (
        <p class={styles.failed}>The QR code could not be drawn. Copy the link instead.</p>
      )}
    </div>
  );
}
