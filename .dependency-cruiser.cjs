/**
 * The architecture's boundaries, checked by `npm run lint` (docs/architecture.md):
 * the brain knows nothing of channels, HTTP, queues, Redis or conversations; channels do not know
 * each other and reach the domain's tables only through src/conversations/; only the composition
 * root reaches into the workers; no import cycles; every import resolves.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'brain-is-channel-agnostic',
      comment: 'The brain decides what to say; it must not depend on channels, HTTP, queues, workers or the conversation domain.',
      severity: 'error',
      from: { path: '^src/brain/' },
      to: { path: '^src/(channels|http|queue|workers|intake|delivery|conversations)/' },
    },
    {
      name: 'brain-opens-no-connections',
      comment:
        'The brain is handed what it needs by the composition root, which creates every connection and server: ' +
        'no web framework, queue or Redis client of its own.',
      severity: 'error',
      from: { path: '^src/brain/' },
      to: { path: '(^|/)node_modules/(@types/)?(koa|@koa/router|bullmq|ioredis)/' },
    },
    {
      name: 'brain-reads-no-conversation-tables',
      comment:
        'The brain owns the knowledge-base tables (src/db/knowledge-schema.ts); conversation data reaches it as arguments ' +
        'or through interfaces the composition root implements with src/conversations/ (e.g. the summary store).',
      severity: 'error',
      from: { path: '^src/brain/' },
      to: { path: '^src/db/(schema|rows)\\.ts$' },
    },
    {
      name: 'channels-do-not-know-each-other',
      comment: 'Everything platform-specific stays in its channel folder; shared WeChat-family code lives in src/channels/shared/.',
      severity: 'error',
      from: { path: '^src/channels/([^/]+)/' },
      to: { path: '^src/channels/([^/]+)/', pathNot: ['^src/channels/$1/', '^src/channels/shared/'] },
    },
    {
      name: 'channels-reach-domain-tables-through-conversations',
      comment:
        'Customers, conversations, messages and deliveries are read and written by src/conversations/, not by channels. ' +
        'Two tables belong to one channel each and are touched only by the files that own them: web_uploads (the web ' +
        "channel's upload*.ts) and wecom_kf_sync_state (the kf channel's sync-state.ts).",
      severity: 'error',
      from: { path: '^src/channels/', pathNot: ['^src/channels/web/upload[^/]*\\.ts$', '^src/channels/wecom-kf/sync-state\\.ts$'] },
      to: { path: ['^src/db/(schema|knowledge-schema|rows)\\.ts$', '(^|/)node_modules/drizzle-orm/'] },
    },
    {
      name: 'only-the-composition-root-starts-workers',
      comment: 'The composition root is src/composition.ts and its steps in src/composition/.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/workers/', '^src/composition\\.ts$', '^src/composition/'] },
      to: { path: '^src/workers/' },
    },
    {
      name: 'domain-is-channel-agnostic',
      comment: 'Conversations, delivery, intake and media see channels only through src/channels/types.ts.',
      severity: 'error',
      from: { path: '^src/(conversations|delivery|intake|media|workers|queue|audience|customers)/' },
      to: { path: '^src/channels/', pathNot: '^src/channels/types\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve fails at run time, or hides a misspelt path from every other rule.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
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
    // Packages resolve through their "exports" as Node resolves them (csv-parse/sync is only in its exports map).
    enhancedResolveOptions: { extensions: ['.ts', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'node', 'default', 'types'] },
  },
};
