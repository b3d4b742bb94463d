import { publishKbChanged } from '../brain/knowledge/kb-change-feed.ts';
import type { KnowledgeLookup } from '../brain/knowledge/look-up-knowledge.ts';
import type { Infrastructure } from './connect-infrastructure.ts';

/**
 * A knowledge change saved by this API process: announced on the kb-changed feed for every other
 * process, and applied to this process's own index before the request that saved it is answered.
 * The feed alone is asynchronous: a 「试一试」 or a reply-box search sent right after an upload's
 * 200 could be answered from the index before the upload (seen as a flaky test under load).
 * Channel names are not key-prefixed by ioredis, so the shared command connection publishes.
 */
export function announceKbChange(infra: Infrastructure, knowledge: KnowledgeLookup): (kbName: string) => Promise<void> {
  return async (kbName) => {
    await publishKbChanged(infra.redis, infra.redisPrefix, kbName);
    await knowledge.refresh(kbName);
  };
}
