import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

/** Component and store tests of the portal: `*.spec.ts` beside the code, in a simulated DOM. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  resolve: { alias: { '@': decodeURIComponent(new URL('./src', import.meta.url).pathname) } },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    restoreMocks: true,
  },
});
