import type { RoundRobinService } from '../conversations/round-robin.ts';

/**
 * Round-robin is triggered right after the commits that call for it; this repairs a trigger lost in
 * between (a process killed after its commit, Redis briefly down for presence). Never two runs at once.
 */
export function startRoundRobinSweep(roundRobin: Pick<RoundRobinService, 'sweep'>, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    // sweep() logs its own failures and never rejects.
    void roundRobin.sweep().finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
