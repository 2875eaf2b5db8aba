// The encoder alone from the `qrcode` package: its main entry also loads file and PNG
// renderers the terminal has no use for.
declare module 'qrcode/lib/core/qrcode.js' {
  import type { QRCode, QRCodeOptions } from 'qrcode';
  export function create(text: string, options?: QRCodeOptions): QRCode;
}
