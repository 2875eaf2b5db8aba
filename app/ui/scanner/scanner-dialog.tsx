// The scanner: the back camera in a dialog, reading QR codes until one names a room,
// and a picture to read instead when there is no camera.

import { useSignal } from '@preact/signals';
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { errorText } from '../lib/error-text';
import { type QrReader, qrReader } from '../lib/qr-decode';
import { findRoomLink } from '../lib/qr-link';
import { joinRoom } from '../room-control';
import { cameraProblem, openCamera, stopCamera } from './camera';
import styles from './scanner.module.css';

// Often enough to feel instant, rarely enough to leave a slow phone some breath.
const FRAME_INTERVAL_MS = 200;

/** Reads frames from `video` until `found` accepts a link; returns a stop function. */
function scanVideo(
  video: HTMLVideoElement,
  onCameraProblem: (text: string) => void,
  onTexts: (texts: string[]) => boolean,
): () => void {
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function start(): Promise<void> {
    let read: QrReader;
    try {
      stream = await openCamera();
      if (stopped) return stopCamera(stream);
      video.srcObject = stream;
      await video.play();
      read = await qrReader();
    } catch (cause) {
      if (!stopped) onCameraProblem(cameraProblem(cause));
      return;
    }
    const tick = async (): Promise<void> => {
      if (stopped) return;
      // A frame that cannot be read yet (the video is still starting) is just skipped.
      const texts = await read(video).catch(() => []);
      if (!stopped && !onTexts(texts)) timer = setTimeout(tick, FRAME_INTERVAL_MS);
    };
    void tick();
  }

  void start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    stopCamera(stream);
    video.srcObject = null;
  };
}

async function readPicture(file: File): Promise<string[]> {
  let picture: ImageBitmap;
  try {
    picture = await createImageBitmap(file);
  } catch {
    throw new Error('That file could not be opened as a picture.');
  }
  try {
    return await (await qrReader())(picture);
  } finally {
    picture.close();
  }
}

/** Joins the room of the first link read, from the camera or a picture; a refusal stays shown. */
function useScanToJoin(dialog: RefObject<HTMLDialogElement | null>) {
  const scanError = useSignal<string | null>(null);
  const joining = useSignal(false);
  const stopScanning = useRef<() => void>(() => {});

  async function join(link: string): Promise<void> {
    stopScanning.current();
    joining.value = true;
    const error = await joinRoom(link);
    joining.value = false;
    if (error === null) dialog.current?.close();
    else scanError.value = error;
  }

  function onTexts(texts: string[]): boolean {
    // An empty frame says nothing; keep the last refusal on screen.
    if (texts.length === 0) return false;
    const scanned = findRoomLink(texts);
    if (!scanned.ok) {
      scanError.value = scanned.error;
      return false;
    }
    void join(scanned.link);
    return true;
  }

  async function onPicture(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    scanError.value = null;
    try {
      const scanned = findRoomLink(await readPicture(file));
      if (scanned.ok) await join(scanned.link);
      else scanError.value = scanned.error;
    } catch (cause) {
      scanError.value = errorText(cause);
    }
  }

  return { scanError, joining, stopScanning, onTexts, onPicture };
}

export function ScannerDialog({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const cameraError = useSignal<string | null>(null);
  const { scanError, joining, stopScanning, onTexts, onPicture } = useScanToJoin(dialog);

  useEffect(() => {
    dialog.current?.showModal();
    const element = video.current;
    if (!element) return;
    stopScanning.current = scanVideo(element, (text) => (cameraError.value = text), onTexts);
    return () => stopScanning.current();
  }, []);

  return (
    <dialog
      ref={dialog}
      class={styles.dialog}
      aria-labelledby="scanner-title"
      aria-describedby="scanner-status"
      onClose={onClose}
    >
      <h2 id="scanner-title">Scan to join</h2>
      <video
        ref={video}
        class={styles.video}
        hidden={cameraError.value !== null}
        muted
        playsInline
        aria-label="Camera view"
      />
      <p id="scanner-status" aria-live="polite">
        {joining.value
          ? 'Joining the room…'
          : (cameraError.value ?? 'Point the camera at the room code on your other device.')}
      </p>
      {scanError.value && (
        <p role="alert" class="error">
          {scanError.value}
        </p>
      )}
      <label class={styles.picture}>
        Or pick a picture of the code
        <input
          type="file"
          accept="image/*"
          disabled={joining.value}
          onChange={(event) => void onPicture(event.currentTarget)}
        />
      </label>
      <div class={styles.actions}>
        <button type="button" autofocus onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
