import type { ChainableCommander } from 'ioredis';

/**
 * Sends a pipeline's commands in one round trip and gives their replies in order, or throws the
 * first command's error: ioredis resolves a pipeline with an [error, reply] pair per command.
 */
export async function pipelineReplies(pipeline: ChainableCommander): Promise<unknown[]> {
  // exec resolves null only for a MULTI that a WATCH discarded; a plain pipeline always has replies.
  const results = (await pipeline.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
  return results.map(([, reply]) => reply);
}
