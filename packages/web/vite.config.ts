// Vite build of the web client. The server serves `dist/` at `/` (index.html for client routes,
// `/assets/*` cached as immutable), so hashed files go under `/assets/`.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const protocolSource = fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url));
/** Where `npm start` listens by default; `npm run dev -w @parley/web` forwards API and sockets there. */
const serverOrigin = process.env.PARLEY_DEV_SERVER ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  base: '/',
  // The wire contract is compiled from source, so the web build does not wait for `tsc -b`.
  resolve: { alias: { '@parley/protocol': protocolSource } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: serverOrigin, changeOrigin: true },
      '/sockets': { target: serverOrigin, ws: true, changeOrigin: true },
    },
  },
  preview: { host: '127.0.0.1' },
});
