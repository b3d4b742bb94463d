// ava 7 runs tests in worker threads by default; tsx must hook the module loader of each worker.
export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '60s',
  concurrency: 2,
};
