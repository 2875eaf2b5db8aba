// Reads QR codes from camera frames and pictures: BarcodeDetector where the browser has one,
// else jsQR, which loads only then.

/** The texts of every QR code seen in `source`; empty when there is none. */
export type QrReader = (source: HTMLVideoElement | ImageBitmap) => Promise<string[]>;

// Not yet in TypeScript's DOM library.
interface BarcodeDetectorType {
  new (options: { formats: string[] }): { detect(source: CanvasImageSource): Promise<Barcode[]> };
  getSupportedFormats(): Promise<string[]>;
}
interface Barcode {
  rawValue: string;
}

// jsQR reads every pixel; a phone photo shrunk to this still shows a QR code clearly.
const MAX_SIDE = 1280;

async function detectorReader(): Promise<QrReader | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorType }).BarcodeDetector;
  if (!Detector) return null;
  const formats = await Detector.getSupportedFormats().catch((): string[] => []);
  if (!formats.includes('qr_code')) return null;
  const detector = new Detector({ formats: ['qr_code'] });
  return async (source) => (await detector.detect(source)).map((code) => code.rawValue);
}

function sourceSize(source: HTMLVideoElement | ImageBitmap): { width: number; height: number } {
  return source instanceof HTMLVideoElement
    ? { width: source.videoWidth, height: source.videoHeight }
    : source;
}

async function jsqrReader(): Promise<QrReader> {
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot draw pictures to read them');
  return async (source) => {
    const { width, height } = sourceSize(source);
    if (width === 0 || height === 0) return [];
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(data, canvas.width, canvas.height);
    return code ? [code.data] : [];
  };
}

let reader: Promise<QrReader> | undefined;

/** The reader this browser supports, made once. */
export function qrReader(): Promise<QrReader> {
  reader ??= detectorReader().then((native) => native ?? jsqrReader());
  // A failed load may work on the next try (a flaky connection), so it is not kept.
  reader.catch(() => {
    reader = undefined;
  });
  return reader;
}
