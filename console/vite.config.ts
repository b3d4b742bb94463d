import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The agent console, served by kefu-hub at /console (src/http/console-assets.ts). Asset names carry
 * their content hash, which is what lets the server cache them for good. `npm run console:dev`
 * serves it with hot reload and sends /api to a service on :3000.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The budget that counts is gzip, checked by scripts/build-console.ts; the manifest tells it
    // which chunks load with the page and which only when a page that needs them opens.
    chunkSizeWarningLimit: 4096,
    manifest: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
