// The fault suite (npm run test:faults): real processes, one scenario at a time (2 cores), minutes each.
export default {
  files: ['test/faults/*.fault.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '5m',
  concurrency: 1,
  serial: true,
  verbose: true,
};
