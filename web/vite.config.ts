/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** `npm run dev` proxies the API (HTTP and WebSocket) to the server on :4000. */
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/graphql": { target: "http://127.0.0.1:4000", ws: true },
      "/healthz": "http://127.0.0.1:4000",
    },
  },
  build: {
    target: "es2022",
    sourcemap: true,
    // GraphiQL with Monaco is one large lazy chunk by nature; the first screens stay small.
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      onwarn(warning, warn) {
        // GraphiQL's React-compiler output starts with "use no memo"; harmless once bundled.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.spec.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
