import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Brain } from '../../src/brain/types.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { startService, type Role, type Service } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createConversationQueue, type TurnJobData } from '../../src/queue/conversation-queue.ts';
import { FakeWecomApi } from '../../src/simulator/fake-wecom-api.ts';
import { postCallback, sealWecomCallback, wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { vectors } from './callback-vectors.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';

export { vectors };

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A WeCom app configured like a real one, with the official test key. */
export const app = {
  corpId: vectors.receiveId,
  agentId: 218,
  secret: 'test-secret',
  token: vectors.token,
  encodingAesKey: vectors.encodingAESKey,
};
export const keys = { token: app.token, encodingAesKey: app.encodingAesKey, receiveId: app.corpId };

/** The WECOM_* environment of that app, with the API at `apiBase` (a fake on loopback). */
export const appEnv = (apiBase: string): Record<string, string> => ({
  WECOM_CORP_ID: app.corpId,
  WECOM_AGENT_ID: String(app.agentId),
  WECOM_SECRET: app.secret,
  WECOM_TOKEN: app.token,
  WECOM_ENCODING_AES_KEY: app.encodingAesKey,
  WECOM_API_BASE: apiBase,
});

export interface Harness {
  service: Service;
  baseUrl: string;
  wecom: FakeWecomApi;
  db: TestDatabase;
  prefix: string;
  env: Record<string, string>;
  /** The service's conversation queue, as an operator's tool sees it (closed with the harness). */
  queue(): Queue<TurnJobData>;
  /** Posts an encrypted text callback as WeCom would. */
  sendText(from: string, text: string, msgId?: string): Promise<Response>;
  close(): Promise<void>;
}

let msgCounter = 0;
export const nextMsgId = () => `${Date.now()}${String(++msgCounter).padStart(6, '0')}`;

export interface HarnessOptions {
  database: DatabaseKind;
  brain?: Brain;
  role?: Role;
  env?: Record<string, string>;
  wecom?: FakeWecomApi;
  /** The service's logger (default: one built from LOG_LEVEL, silent). */
  logger?: Logger;
}

/**
 * Starts the real service in-process — real Redis (a key prefix of its own), a real database — with
 * WeCom faked on loopback.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const wecom = options.wecom ?? new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId });
  const apiBase = await wecom.listen();
  const db = await createTestDatabase(options.database);
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
    ...appEnv(apiBase),
    COALESCE_WINDOW_MS: '50',
    // Tests reach the service as if through one reverse proxy: a client's address is the last
    // X-Forwarded-For entry, so each simulated visitor can have its own.
    TRUSTED_PROXY_HOPS: '1',
    JOB_BACKOFF_MS: '50',
    // Roles apart must share the widget secret (they refuse to start without one).
    ...(options.role && options.role !== 'all' ? { WEB_CHAT_SECRET: 'harness-web-chat-secret-shared-by-roles' } : {}),
    ...options.env,
  };
  // A start that fails (a test of a refused configuration) must not leave the fake and the
  // database behind: an open listener keeps the test process from exiting.
  const service = await Promise.resolve()
    .then(() => startService(loadConfig(env), options.role ?? 'all', { brain: options.brain, logger: options.logger }))
    .catch(async (err) => {
      await wecom.close();
      await db.drop();
      throw err;
    });
  const baseUrl = `http://127.0.0.1:${service.port}`;
  let operatorQueue: { queue: Queue<TurnJobData>; connection: Redis } | undefined;
  return {
    service,
    baseUrl,
    wecom,
    db,
    prefix,
    env,
    sendText: (from, text, msgId = nextMsgId()) =>
      postCallback(
        baseUrl,
        '/callbacks/wecom/default',
        sealWecomCallback(keys, app.agentId, wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from, text, msgId })),
      ),
    queue() {
      if (!operatorQueue) {
        const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
        operatorQueue = { connection, queue: createConversationQueue(connection, service.redisPrefix, 1) };
      }
      return operatorQueue.queue;
    },
    async close() {
      if (operatorQueue) {
        await operatorQueue.queue.close();
        operatorQueue.connection.disconnect();
      }
      await service.stop();
      await wecom.close();
      await deleteRedisPrefix(prefix);
      await db.drop();
    },
  };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a value (or true) or the time is up: the suite's one way of waiting for a condition. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
  /** The fault scenarios poll a loaded cluster less often. */
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
