/**
 * How long a query takes, as the benches of the console's pages report it: a few runs first to
 * warm PostgreSQL's cache and the plan, then `runs` timed runs one after another, p50 and p95 in
 * milliseconds (one decimal).
 */
export async function latency(run: () => Promise<unknown>, runs: number, warmups = 3): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < warmups; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1));
  return { p50: at(0.5), p95: at(0.95) };
}
