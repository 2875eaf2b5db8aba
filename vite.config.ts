import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'app',
  base: './',
  plugins: [preact()],
  build: {
    outDir: '../dist/app',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { port: 5173 },
});
