import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The staff console: built by `npm run build` into dist/console, which the server serves at `/`
 * (src/server/console.ts). No dev server in production; `npx vite --config console/vite.config.ts`
 * serves it with hot reload and proxies the admin API to a local Openstay on port 3000.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: { proxy: { '/admin': { target: 'http://127.0.0.1:3000', ws: true } } },
});
