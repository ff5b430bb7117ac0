import { defineConfig } from 'vite';

// The app is served by the daemon from /, under a strict CSP: no inline scripts or styles, so no
// module-preload polyfill (it would be inlined) and CSS always in files.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    reportCompressedSize: false,
  },
});
