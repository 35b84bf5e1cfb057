import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is one static page served two ways: from file:// inside Electron and
// from the headless host at `/`. A relative base keeps asset URLs valid in both.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    // Electron 38 ships a current Chromium; no legacy transforms needed.
    target: 'es2022',
  },
});
