// The back camera, and what to tell a person when it cannot start.

export class CameraUnavailable extends Error {
  override name = 'CameraUnavailable';
}

export const CAMERA_PROBLEMS = {
  insecure: 'The camera works only on a secure (https) page. Pick a picture of the code instead.',
  missing: 'This browser does not offer the camera to web pages. Pick a picture instead.',
  denied:
    "Camera access is not allowed. Allow it in the browser's site settings, or pick a picture.",
  none: 'No camera was found. Pick a picture of the code instead.',
  busy: 'The camera is in use by another app. Close it and try again, or pick a picture.',
} as const;

export async function openCamera(): Promise<MediaStream> {
  if (!window.isSecureContext) throw new CameraUnavailable(CAMERA_PROBLEMS.insecure);
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraUnavailable(CAMERA_PROBLEMS.missing);
  return navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment' },
    audio: false,
  });
}

export function stopCamera(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** A sentence for why the camera did not start. */
export function cameraProblem(cause: unknown): string {
  if (cause instanceof CameraUnavailable) return cause.message;
  const name = cause instanceof Error ? cause.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return CAMERA_PROBLEMS.denied;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return CAMERA_PROBLEMS.none;
  if (name === 'NotReadableError' || name === 'AbortError') return CAMERA_PROBLEMS.busy;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return `The camera could not start (${detail}). Pick a picture of the code instead.`;
}
