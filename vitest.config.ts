import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/wordpress/**', 'test/browser/**', 'node_modules/**'],
          // Stack tests synthesize (and esbuild-bundle) whole stacks in beforeAll: generous on 2 busy cores.
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // Debian's Chromium against `wpkb serve` (docs/widget.md); CI installs it with .ci/chromium-setup.sh.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'wordpress',
          include: ['test/wordpress/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
