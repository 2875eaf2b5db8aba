// The join link as a QR code.

import { useEffect, useState } from 'preact/hooks';
import { drawnQrImage, qrImageSource } from '../lib/qr-image';
import styles from './room-qr.module.css';

export function RoomQr({ link }: { link: string }) {
  const [source, setSource] = useState(() => drawnQrImage(link));
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    setSource(drawnQrImage(link));
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
