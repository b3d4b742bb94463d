/**
 * The architecture's boundaries, checked by `npm run lint` (docs/architecture.md):
 * the brain knows nothing of channels, HTTP or queues; channels do not know each other; only the
 * composition root reaches into the workers; no import cycles.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'brain-is-channel-agnostic',
      comment: 'The brain decides what to say; it must not depend on channels, HTTP, queues or workers.',
      severity: 'error',
      from: { path: '^src/brain/' },
      to: { path: '^src/(channels|http|queue|workers|intake|delivery)/' },
    },
    {
      name: 'channels-do-not-know-each-other',
      comment: 'Everything platform-specific stays in its channel folder; shared WeChat-family code lives in src/channels/shared/.',
      severity: 'error',
      from: { path: '^src/channels/([^/]+)/' },
      to: { path: '^src/channels/([^/]+)/', pathNot: ['^src/channels/$1/', '^src/channels/shared/'] },
    },
    {
      name: 'only-the-composition-root-starts-workers',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/workers/', '^src/composition\\.ts$'] },
      to: { path: '^src/workers/' },
    },
    {
      name: 'domain-is-channel-agnostic',
      comment: 'Conversations, delivery and intake see channels only through src/channels/types.ts.',
      severity: 'error',
      from: { path: '^src/(conversations|delivery|intake|workers|queue)/' },
      to: { path: '^src/channels/', pathNot: '^src/channels/types\\.ts$' },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
