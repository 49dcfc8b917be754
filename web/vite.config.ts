import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** The API that `npm run dev:web` proxies to (tokengate's `npm start`). */
const API = process.env.TOKENGATE_API ?? 'http://localhost:4000';

/** Records the build mode, so `npm start` can tell a development build from a production one (scripts/build-web-if-stale.js). */
function buildStamp(mode: string): Plugin {
  return {
    name: 'tokengate-build-stamp',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '.tokengate-build.json', source: JSON.stringify({ mode, builtAt: new Date().toISOString() }) });
    },
  };
}

export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Served by tokengate at /app (src/http/web.ts).
  base: '/app/',
  plugins: [react(), buildStamp(mode)],
  define: {
    // A production build sends trusted-document hashes only (web/src/lib/transport.ts).
    __TRUSTED_DOCUMENTS__: JSON.stringify(mode === 'production'),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // GraphiQL with its editor (Monaco) is a few MB; it is loaded only by the explorer page.
    chunkSizeWarningLimit: 5000,
    // dist/.vite/manifest.json: the server reads which files only the explorer loads (src/http/web-assets.ts).
    manifest: true,
  },
  worker: { format: 'es' },
  server: {
    port: 5173,
    strictPort: true,
    // Same origin as the page: the refresh cookie, CSRF prevention and the WebSocket work without loosening CORS.
    proxy: {
      '/graphql': { target: API, ws: true },
      '/auth': { target: API },
    },
  },
}));
