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
  },
});
