import { defineConfig } from 'vitest/config';

// Unit tests run in parallel; *.fault.test.ts open real sockets, spawn and kill processes,
// so they run one file at a time in their own project.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/**/*.fault.test.ts', 'test/**/*.e2e.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'fault',
          include: ['test/**/*.fault.test.ts', 'test/**/*.e2e.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
