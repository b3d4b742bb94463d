import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Brain, BrainDecision, ConversationContext, CustomerMessage } from '../../src/brain/types.ts';
import { startService, type Service } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { ConversationEvents } from '../../src/conversations/conversation-events.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { createTestDatabase } from './databases.ts';
import { HANDOFF_TEXT } from './staff-members.ts';
import { deleteRedisPrefix, REDIS_URL } from './wecom-service.ts';

/**
 * Fixtures for the WeChat-family channel tests (databases come from ./databases.ts): a Redis
 * logical DB owned by one test file, a deterministic brain, and the real service in-process.
 */
/** Empties the Redis logical DB this test file owns (never another one: files run in parallel). */
export async function flushOwnRedisDb(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  redis.disconnect();
}

/**
 * Answers deterministically: "答：<texts>" — or a handoff when a message asks for a person
 * (contains 人工). Records what it saw.
 */
export class EchoBrain implements Brain {
  readonly calls: Array<{ conversationId: number; customerName?: string; kinds: string[]; texts: string[] }> = [];

  async answer(conversation: ConversationContext, newMessages: CustomerMessage[]): Promise<BrainDecision> {
    const texts = newMessages.map((m) => m.text);
    this.calls.push({
      conversationId: conversation.conversationId,
      customerName: conversation.customer.displayName,
      kinds: newMessages.map((m) => m.kind),
      texts,
    });
    if (texts.some((t) => t.includes('人工'))) return { kind: 'handoff', reason: 'customer_asked', text: HANDOFF_TEXT, meta: {} };
    return { kind: 'reply', text: `答：${texts.join(' / ')}`, meta: {} };
  }

  sawText(text: string): boolean {
    return this.calls.some((c) => c.texts.includes(text));
  }
}

export async function startTestService(
  env: Record<string, string>,
  brain: Brain,
  logger?: Logger,
  events?: ConversationEvents,
): Promise<{ service: Service; baseUrl: string }> {
  const service = await startService(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      COALESCE_WINDOW_MS: '50',
      JOB_BACKOFF_MS: '50',
      SHUTDOWN_TIMEOUT_MS: '2000',
      ...env,
    }),
    'all',
    { brain, logger, events },
  );
  return { service, baseUrl: `http://127.0.0.1:${service.port}` };
}

/**
 * The service on a PostgreSQL database and a Redis key prefix of its own (named after `name`), with
 * the channel's `env`; close() stops it and drops both.
 */
export async function startChannelService(
  name: string,
  env: Record<string, string>,
  brain: Brain,
  events?: ConversationEvents,
): Promise<{ service: Service; baseUrl: string; close(): Promise<void> }> {
  const db = await createTestDatabase('postgres');
  const prefix = `kefu-test-${name}-${randomBytes(4).toString('hex')}`;
  const { service, baseUrl } = await startTestService(
    { REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: db.url, DATA_DIR: db.dataDir, ...env },
    brain,
    undefined,
    events,
  ).catch(async (err) => {
    await db.drop();
    throw err;
  });
  return {
    service,
    baseUrl,
    async close() {
      // A stop that throws must not leave the Redis keys and the database behind.
      try {
        await service.stop();
      } finally {
        await deleteRedisPrefix(prefix);
        await db.drop();
      }
    },
  };
}
