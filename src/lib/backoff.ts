/**
 * Exponential backoff with full jitter (a random delay between 0 and the exponential cap), so that
 * many workers failing at once — a platform outage, a token storm — do not retry in lockstep.
 * The one retry-delay rule of kefu-hub: queue jobs and in-process retries both use it.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: never retry instantly, still spread the herd.
  return Math.round(cap / 2 + random() * (cap / 2));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
