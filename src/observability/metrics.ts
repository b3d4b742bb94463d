import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric kefu-hub exports, built once per process by the composition root. */
export interface QueueStats {
  counts: Record<string, number>;
  oldestWaitingSeconds: number;
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // The queue is read when Prometheus scrapes, by whichever role owns a queue handle.
  const queueStats: { read?: () => Promise<QueueStats> } = {};
  // Conversations waiting for a person by channel, read from the database on scrape by an API role.
  const waitingStats: { read?: () => Promise<Record<string, number>> } = {};
  return {
    registry,
    queueStats,
    waitingStats,
    callbacks: new Counter({
      name: 'kefu_callbacks_total',
      help: 'Platform callbacks by channel and result (accepted, duplicate, rejected reason, error)',
      labelNames: ['channel', 'result'] as const,
      registers: [registry],
    }),
    webStreams: new Gauge({
      name: 'kefu_web_streams_open',
      help: 'Web widget event streams this process holds open',
      registers: [registry],
    }),
    webBudgetSpent: new Counter({
      name: 'kefu_web_budget_spent_total',
      help: 'What web visitors spent of a budget, by widget account and budget (session_mints, upload_bytes, model_tokens)',
      labelNames: ['account', 'budget'] as const,
      registers: [registry],
    }),
    webBudgetExhausted: new Counter({
      name: 'kefu_web_budget_exhausted_total',
      help: 'Web requests refused, or turns answered from the knowledge base only, because a budget was spent, by widget account and budget',
      labelNames: ['account', 'budget'] as const,
      registers: [registry],
    }),
    webBudgetLimit: new Gauge({
      name: 'kefu_web_budget_limit',
      help: 'The configured web budgets, by widget account and budget (per hour, per day, bytes or open streams as the name says)',
      labelNames: ['account', 'budget'] as const,
      registers: [registry],
    }),
    webUploadBytesStored: new Gauge({
      name: 'kefu_web_upload_bytes_stored',
      help: 'Bytes of web uploads kept, by widget account, as of the last retention sweep',
      labelNames: ['account'] as const,
      registers: [registry],
    }),
    webUploadsDeleted: new Counter({
      name: 'kefu_web_uploads_deleted_total',
      help: 'Web uploads deleted by the retention sweep, by widget account',
      labelNames: ['account'] as const,
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'kefu_callback_ack_seconds',
      help: 'Time from callback arrival to acknowledgement',
      labelNames: ['channel'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'kefu_queue_jobs',
      help: 'Jobs in the conversation queue by state',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const stats = await queueStats.read?.();
        for (const [state, n] of Object.entries(stats?.counts ?? {})) this.set({ state }, n);
      },
    }),
    oldestWaitingJobAge: new Gauge({
      name: 'kefu_queue_oldest_waiting_seconds',
      help: 'Age of the oldest job waiting in the conversation queue',
      registers: [registry],
      async collect() {
        const stats = await queueStats.read?.();
        if (stats) this.set(stats.oldestWaitingSeconds);
      },
    }),
    groupCommitSize: new Histogram({
      name: 'kefu_group_commit_size',
      help: 'Calls served by one shared statement or Redis round trip (group commit), by what it writes',
      labelNames: ['batch'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    groupCommitDuration: new Histogram({
      name: 'kefu_group_commit_seconds',
      help: 'Time one shared statement or Redis round trip (group commit) took, by what it writes',
      labelNames: ['batch'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'kefu_job_duration_seconds',
      help: 'Conversation turn job duration by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    replyLatency: new Histogram({
      name: 'kefu_reply_latency_seconds',
      help: 'Time from the customer message being stored to the reply being delivered',
      labelNames: ['channel'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
      registers: [registry],
    }),
    sends: new Counter({
      name: 'kefu_sends_total',
      help: 'Outbound sends by channel, result (sent, retry, failed) and platform error code',
      labelNames: ['channel', 'result', 'code'] as const,
      registers: [registry],
    }),
    handoffs: new Counter({
      name: 'kefu_handoffs_total',
      help: 'Conversations flagged for a human, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    staffNotices: new Counter({
      name: 'kefu_staff_notices_total',
      help: 'WeCom notices to staff by kind (waiting, answer) and result (sent, retry, failed, nobody_on_duty, not_waiting)',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    // Minutes to hours: a person answers, not a machine.
    handoffWait: new Histogram({
      name: 'kefu_handoff_wait_seconds',
      help: 'Time a conversation waited for a person, from the handoff to an agent taking it, by channel',
      labelNames: ['channel'] as const,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400],
      registers: [registry],
    }),
    firstResponse: new Histogram({
      name: 'kefu_first_response_seconds',
      help: 'Time from the handoff (or a takeover from the bot) to the first agent reply, by channel',
      labelNames: ['channel'] as const,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400],
      registers: [registry],
    }),
    conversationsWaiting: new Gauge({
      name: 'kefu_conversations_waiting',
      help: 'Conversations waiting for a person now, by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
      async collect() {
        const counts = await waitingStats.read?.();
        if (!counts) return;
        this.reset();
        for (const [channel, n] of Object.entries(counts)) this.set({ channel }, n);
      },
    }),
    tokenRefreshes: new Counter({
      name: 'kefu_access_token_refreshes_total',
      help: 'Access tokens fetched from a platform',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    modelLatency: new Histogram({
      name: 'kefu_model_latency_seconds',
      help: 'Duration of a model call, retries included, by model',
      labelNames: ['model'] as const,
      buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60],
      registers: [registry],
    }),
    modelTokens: new Counter({
      name: 'kefu_model_tokens_total',
      help: 'Tokens used by model calls, by model and kind (prompt, completion)',
      labelNames: ['model', 'kind'] as const,
      registers: [registry],
    }),
    modelErrors: new Counter({
      name: 'kefu_model_errors_total',
      help: 'Model calls that failed after retries (the turn was answered offline), by model and code (HTTP status, timeout, invalid_output, network)',
      labelNames: ['model', 'code'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The `onBatch` of a group commit (src/lib/batch-while-busy.ts) named `batch` in the metrics. */
export function observeGroupCommit(metrics: Metrics, batch: string) {
  return (size: number, seconds: number) => {
    metrics.groupCommitSize.observe({ batch }, size);
    metrics.groupCommitDuration.observe({ batch }, seconds);
  };
}
