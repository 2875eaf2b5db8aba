// Renders the app icon (app/icons/icon.svg) to the PNGs that the manifest and iOS ask for,
// straight into the build, so no binary is committed. Dev serves them too.
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { Plugin } from 'vite';

const SOURCE = new URL('../app/icons/icon.svg', import.meta.url);
/** The icon's own background: maskable icons fill their whole square with it. */
const BACKGROUND = '#1d4ed8';
/** A maskable icon keeps its mark within the central 80%, the safe zone every mask shows. */
const SAFE_ZONE = 0.8;

interface IconFile {
  fileName: string;
  size: number;
  maskable: boolean;
}

export const ICON_FILES: readonly IconFile[] = [
  { fileName: 'icons/icon-192.png', size: 192, maskable: false },
  { fileName: 'icons/icon-512.png', size: 512, maskable: false },
  { fileName: 'icons/maskable-192.png', size: 192, maskable: true },
  { fileName: 'icons/maskable-512.png', size: 512, maskable: true },
  // iOS rounds the corners itself and shows transparency as black: full bleed.
  { fileName: 'icons/apple-touch-icon.png', size: 180, maskable: true },
];

/** The same drawing shrunk into the safe zone on a full-bleed background. */
function maskableSvg(svg: string): string {
  const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  const offset = (512 * (1 - SAFE_ZONE)) / 2;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">',
    `<rect width="512" height="512" fill="${BACKGROUND}"/>`,
    `<g transform="translate(${offset} ${offset}) scale(${SAFE_ZONE})">${inner}</g>`,
    '</svg>',
  ].join('');
}

export function renderIcon(icon: IconFile): Buffer {
  const svg = readFileSync(SOURCE, 'utf8');
  const source = icon.maskable ? maskableSvg(svg) : svg;
  return new Resvg(source, { fitTo: { mode: 'width', value: icon.size } }).render().asPng();
}

export function iconsPlugin(): Plugin {
  return {
    name: 'clipmesh-icons',
    generateBundle() {
      for (const icon of ICON_FILES) {
        this.emitFile({ type: 'asset', fileName: icon.fileName, source: renderIcon(icon) });
      }
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const icon = ICON_FILES.find((file) => req.url?.endsWith(`/${file.fileName}`));
        if (!icon) return next();
        res.setHeader('Content-Type', 'image/png');
        res.end(renderIcon(icon));
      });
    },
  };
}
