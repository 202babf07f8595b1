import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  // `@/…` is `src/…`, so pages deep in the tree import without climbing `../../..` (same in vitest.config.ts).
  resolve: { alias: { '@': decodeURIComponent(new URL('./src', import.meta.url).pathname) } },
  // vue-i18n's composition API only: its legacy API and devtools hooks stay out of the bundle.
  define: { __VUE_I18N_FULL_INSTALL__: false, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: true,
    // Vue, its router, store and i18n in one long-cached chunk of their own.
    rollupOptions: {
      output: {
        manualChunks: (id: string) => (/node_modules\/(@vue|vue|vue-router|pinia|vue-i18n|@intlify)\//.test(id) ? 'vendor' : undefined),
      },
    },
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
