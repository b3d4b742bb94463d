import { randomBytes } from 'node:crypto';
import { FakeWecomApi } from '../../../src/simulator/fake-wecom-api.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { startRole, type RoleProcess } from '../../support/processes.ts';
import { app, appEnv, deleteRedisPrefix, REDIS_URL } from '../../support/wecom-service.ts';
import { Queue } from 'bullmq';
import pg from 'pg';
import { CONVERSATION_QUEUE, turnJobId } from '../../../src/queue/conversation-queue.ts';

export interface ClusterOptions {
  apis: number;
  workers: number;
  /** Extra environment for every process (JOB_LOCK_MS, …). */
  env?: Record<string, string>;
  redisUrl?: string;
  /**
   * What the service processes connect to instead of the test database itself — e.g. a TCP proxy
   * the test can cut. Receives the real database URL.
   */
  databaseUrlFor?: (realUrl: string) => string;
  /** How long a process may take to start (default 30 s; more on a crowded machine). */
  startTimeoutMs?: number;
}

type Role = 'api' | 'worker';

/**
 * kefu-hub as operators run it: separate api and worker processes (`node --import tsx src/main.ts
 * <role>`) on a throwaway PostgreSQL database and a Redis prefix of their own, WeCom faked on
 * loopback. The load generator spreads callbacks over the live APIs, as a load balancer would.
 */
export class Cluster {
  readonly wecom = new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId });
  readonly prefix = `fault${randomBytes(4).toString('hex')}`;
  readonly apis: RoleProcess[] = [];
  readonly workers: RoleProcess[] = [];
  /** Every process ever started, so close() kills what a scenario left behind. */
  private readonly started: RoleProcess[] = [];
  /** Additions in progress, which close() waits for. */
  private readonly adding = new Set<Promise<RoleProcess>>();
  private readonly redisUrl: string;
  env: Record<string, string> = {};
  database!: TestDatabase;
  private reader!: pg.Pool;

  constructor(private readonly options: ClusterOptions) {
    this.redisUrl = options.redisUrl ?? REDIS_URL;
  }

  async start(): Promise<this> {
    const apiBase = await this.wecom.listen();
    this.database = await createTestDatabase('postgres');
    this.reader = new pg.Pool({ connectionString: this.database.url, max: 2 });
    this.reader.on('error', () => {});
    this.env = {
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.prefix,
      DATABASE_URL: this.options.databaseUrlFor?.(this.database.url) ?? this.database.url,
      DATA_DIR: this.database.dataDir,
      HOST: '127.0.0.1',
      ...appEnv(apiBase),
      COALESCE_WINDOW_MS: '200',
      JOB_LOCK_MS: '5000',
      JOB_BACKOFF_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // Roles apart refuse to start without a shared widget secret.
      WEB_CHAT_SECRET: 'fault-cluster-web-chat-secret-shared-by-all',
      ...this.options.env,
    };
    // The first process applies the migrations; starting the rest alongside would race them.
    await this.add('api');
    await Promise.all([
      ...Array.from({ length: this.options.apis - 1 }, () => this.add('api')),
      ...Array.from({ length: this.options.workers }, () => this.add('worker')),
    ]);
    return this;
  }

  add(role: Role): Promise<RoleProcess> {
    const adding = this.startAndTrack(role);
    this.adding.add(adding);
    adding.then(
      () => this.adding.delete(adding),
      () => this.adding.delete(adding),
    );
    return adding;
  }

  private async startAndTrack(role: Role): Promise<RoleProcess> {
    const proc = await startRole(role, this.env, this.options.startTimeoutMs ?? 30_000);
    this.started.push(proc);
    (role === 'api' ? this.apis : this.workers).push(proc);
    // A process that dies (killed by the scenario, or crashing) leaves the pool.
    void proc.exited.then(() => {
      const list = role === 'api' ? this.apis : this.workers;
      const i = list.indexOf(proc);
      if (i >= 0) list.splice(i, 1);
    });
    return proc;
  }

  /** Base URLs of the APIs alive now: the load balancer's pool. */
  apiUrls(): string[] {
    return this.apis.map((p) => `http://127.0.0.1:${p.port}`);
  }

  /** kill -9 (or SIGTERM) and wait for the exit; returns the exit code or signal. */
  async stop(proc: RoleProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<number | string> {
    proc.child.kill(signal);
    return proc.exited;
  }

  /**
   * kill -9 of a live worker, the `turn`-th in rotation, and a replacement started without waiting
   * for it (a restart takes its time on a crowded machine); false when no worker is alive.
   */
  async killWorker(turn: number): Promise<boolean> {
    const victim = this.workers[turn % Math.max(1, this.workers.length)];
    if (!victim) return false;
    await this.stop(victim, 'SIGKILL');
    void this.add('worker');
    return true;
  }

  async query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    return (await this.reader.query<T>(sql)).rows;
  }

  /** Inbound messages stored, and how many of them are still waiting for an answer. */
  async inboundCounts(): Promise<{ stored: number; pending: number }> {
    const [row] = await this.query<{ stored: string; pending: string }>(
      `select count(*) as stored, count(*) filter (where status = 'pending') as pending from messages where direction = 'in'`,
    );
    return { stored: Number(row!.stored), pending: Number(row!.pending) };
  }

  /** For a failure report: a few pending messages with the state of their turn job. */
  async describePending(limit = 5): Promise<unknown[]> {
    const rows = await this.query<{ id: number; conversation_id: number; created_at: Date; storedAt: number }>(
      `select id, conversation_id, created_at, floor(extract(epoch from created_at) * 1000)::float8 as "storedAt"
       from messages where direction = 'in' and status = 'pending' order by id limit ${limit}`,
    );
    const queue = new Queue(CONVERSATION_QUEUE, { connection: { url: this.redisUrl }, prefix: await this.keyPrefix() });
    try {
      return await Promise.all(
        rows.map(async (r) => {
          const job = await queue.getJob(
            turnJobId({ conversationId: Number(r.conversation_id), messageId: Number(r.id), messageStoredAt: r.storedAt }),
          );
          return {
            ...r,
            job: job ? { state: await job.getState(), attemptsMade: job.attemptsMade, failedReason: job.failedReason } : 'no job',
          };
        }),
      );
    } finally {
      await queue.close();
    }
  }

  /** The prefix of the service's Redis keys and queues: REDIS_PREFIX and the database's id (src/db/database-identity.ts). */
  async keyPrefix(): Promise<string> {
    const [identity] = await this.query<{ id: string }>('select id from database_identity');
    return `${this.prefix}:${identity!.id}`;
  }

  async close(): Promise<void> {
    // A replacement a scenario started without waiting (`void cluster.add(...)`) finishes starting,
    // and is in `started`, first: dropping the database under it would fail its start after the
    // scenario ended, and one left out of `started` would outlive the run.
    await Promise.allSettled(this.adding);
    for (const p of this.started) p.child.kill('SIGKILL');
    await Promise.all(this.started.map((p) => p.exited));
    await this.reader?.end();
    await this.wecom.close();
    await deleteRedisPrefix(this.prefix).catch(() => {});
    await this.database?.drop();
  }
}
