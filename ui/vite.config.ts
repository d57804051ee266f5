import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { xtermUnderStrictWebview } from "./vite-plugins/xtermUnderStrictWebview.ts";

// Tauri serves `ui/dist` in release builds and `http://localhost:5173` in development.
export default defineConfig(({ mode }) => ({
  plugins: [xtermUnderStrictWebview(), svelte(), ...(process.env.VITEST ? [svelteTesting()] : [])],
  clearScreen: false,
  // The dev server's pre-bundling skips plugins: xterm is served through them instead, so the
  // dev window (same freezePrototype) gets the rewritten module too.
  optimizeDeps: { exclude: ["@xterm/xterm"] },
  server: {
    port: 5173,
    strictPort: true,
    host: "127.0.0.1",
  },
  build: {
    // `--mode mock` builds a look-alike with the fake engine into its own folder, for screenshots
    // under the real CSP. It never lands in `dist`.
    outDir: mode === "mock" ? "dist-mock" : "dist",
    emptyOutDir: true,
    target: "es2021",
    // Everything must come from files: the app runs under a CSP without 'unsafe-inline'.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    // Above the 5 s that waitFor may take (src/test/setup.ts), so a slow wait fails as itself.
    testTimeout: 15000,
    include: ["src/**/*.test.ts", "vite-plugins/**/*.test.ts"],
  },
}));
