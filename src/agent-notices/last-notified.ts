import type { Redis } from 'ioredis';

/**
 * Which conversation each staff member was last told of in WeCom: a plain reply there (no `#id`)
 * answers that one. Kept in Redis for a week; losing it only means the agent must write `#id`.
 */
const TTL_SECONDS = 7 * 86_400;
const key = (staffUserId: number) => `agent-notice:last:${staffUserId}`;

export async function rememberNotified(redis: Redis, staffUserIds: number[], conversationId: number): Promise<void> {
  if (staffUserIds.length === 0) return;
  const pipeline = redis.multi();
  for (const id of staffUserIds) pipeline.set(key(id), String(conversationId), 'EX', TTL_SECONDS);
  await pipeline.exec();
}

export async function lastNotified(redis: Redis, staffUserId: number): Promise<number | undefined> {
  const value = await redis.get(key(staffUserId));
  return value ? Number(value) : undefined;
}
