import { defineConfig } from "vite";

// Dev server: `npm run dev` proxies the API (CLASSCOMMS_API, default the demo's http://127.0.0.1:5080) so the app and the API share an origin.
const api = process.env.CLASSCOMMS_API ?? "http://127.0.0.1:5080";

export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    target: "es2022",
    modulePreload: { polyfill: false }, // nothing inline: the page runs under script-src 'self'
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    port: Number(process.env.CLASSCOMMS_WEB_PORT ?? 5173),
    proxy: {
      "/api": api,
      "/openapi": api,
      "/hubs": { target: api, ws: true },
    },
  },
});
