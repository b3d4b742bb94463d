/**
 * Issue 18's ingestion goal, in one place for the ingestion bench and `npm run bench`'s summary:
 * the CPU that storing a callback durably costs (api + PostgreSQL + Redis, per acked callback),
 * divided by the CPU of the wechat middleware, which verifies, decrypts and parses but stores nothing.
 */
export const INGESTION_GOAL_RATIO = 1.2;

export function durableIngestion(ours: Record<string, number>, peer: Record<string, number>): { durableUs: number; ratio: number } {
  const durableUs = (ours.server ?? 0) + (ours.PostgreSQL ?? 0) + (ours.Redis ?? 0);
  return { durableUs, ratio: durableUs / (peer.server ?? Number.NaN) };
}
