import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The admin console (decision 0033): static files under dist/apps/console, served by the api
// at /console. `@berth/core` is only ever imported for types (the REST API's), so nothing of
// the server side reaches the bundle.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  resolve: {
    alias: {
      '@berth/core': fileURLToPath(new URL('../../libs/core/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
    // No inline data: the page's CSP allows scripts and styles from its own origin only.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
