import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { iconsPlugin } from './scripts/icons.js';

// `vite build --mode e2e` builds the app the tests and benchmarks drive: the same app plus
// the search parameters in app/ui/lib/test-hooks.ts, which the shipped build leaves out.
export default defineConfig(({ mode }) => ({
  root: 'app',
  define: { __TEST_HOOKS__: JSON.stringify(mode === 'e2e') },
  base: './',
  plugins: [
    preact(),
    iconsPlugin(),
    VitePWA({
      // The page registers through app/pwa/bridge.ts: the CSP allows no inline script.
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        id: './',
        name: 'clipmesh',
        short_name: 'clipmesh',
        description: 'Move clipboard text between your own devices, peer to peer.',
        // Relative, so the app also works when served under a sub-path.
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: '#f6f7f9',
        background_color: '#f6f7f9',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/maskable-192.png',
            sizes: '192x192',
            type: 'image/png',
            purpose: 'maskable',
          },
          {
            src: 'icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
        // GET: the page reads the query itself (app/pwa/share.ts), no service worker POST handler.
        share_target: {
          action: './',
          method: 'GET',
          params: { title: 'share-title', text: 'share-text', url: 'share-url' },
        },
      },
      includeManifestIcons: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        navigateFallback: 'index.html',
        // The relay's own routes are never app pages; the event stream is never cached.
        navigateFallbackDenylist: [/\/v1\//, /\/(healthz|metrics)$/],
        cleanupOutdatedCaches: true,
        // The worker stays as it is without the app's hidden sourcemaps (build.sourcemap).
        sourcemap: false,
      },
    }),
  ],
  build: {
    outDir: mode === 'e2e' ? '../dist/app-test' : '../dist/app',
    emptyOutDir: true,
    target: 'es2022',
    // For the e2e coverage report (e2e/coverage) only: no page names them, the worker does
    // not precache them, and the shipped build has none.
    sourcemap: mode === 'e2e' ? 'hidden' : false,
  },
  server: { port: 5173 },
}));
