import { defineConfig } from 'vite';

// `npm run dev` serves the client on :5173 and forwards the API and the hub to a running node
// (scripts/run.sh starts one on :5080; CHAT_API_URL points elsewhere).
const target = process.env.CHAT_API_URL ?? 'http://127.0.0.1:5080';

export default defineConfig({
  server: {
    port: 5173,
    proxy: {
      '/auth': target,
      '/api': target,
      '/hubs': { target, ws: true },
    },
  },
  build: { outDir: 'dist', sourcemap: true },
});
