// Test files run as child processes with tsx loaded (worker threads do not inherit --import hooks).
export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '60s',
  concurrency: 4,
};
