import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The dashboard bundle, served by the gateway at / and loaded by the Electron window.
// base './' so Electron's loadFile works as well as the HTTP server.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
