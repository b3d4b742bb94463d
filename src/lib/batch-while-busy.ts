export interface BatchWhileBusyOptions {
  /**
   * Batches run at once (default 1); a call that finds fewer in flight starts one at once. One in
   * flight makes the fewest, largest commits: on the benchmark machine (PostgreSQL on the same two
   * cores) 1 stored 2,540 callbacks/s in batches of ~16, 2 stored 2,100/s and 4 stored 2,000/s,
   * in batches of ~5. The batch grows with the round trip, so a remote database is not a limit.
   */
  maxInFlight?: number;
  /** Calls per batch, at most (default 256). */
  maxBatch?: number;
  /** Told the size and duration of every batch (for metrics). */
  onBatch?: (size: number, seconds: number) => void;
}

/**
 * Group commit for any round trip: calls that arrive while `maxInFlight` batches are running wait
 * and go together in the next batch. There is no timer — at low load every call runs at once,
 * alone, with no added latency; under load a batch holds what arrived during one round trip, so
 * round trips per call fall as load rises.
 *
 * `run` gets the inputs in arrival order and resolves with one result per input, in that order.
 * When it rejects, every call of the batch rejects with its error.
 */
export function batchWhileBusy<I, O>(run: (inputs: I[]) => Promise<O[]>, options: BatchWhileBusyOptions = {}): (input: I) => Promise<O> {
  const { maxInFlight = 1, maxBatch = 256 } = options;
  type Waiting = { input: I; resolve: (output: O) => void; reject: (err: unknown) => void };
  const waiting: Waiting[] = [];
  let inFlight = 0;
  let pumpScheduled = false;

  async function runBatch(batch: Waiting[]): Promise<void> {
    const started = performance.now();
    try {
      const outputs = await run(batch.map((w) => w.input));
      if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${outputs.length} results`);
      for (const [i, w] of batch.entries()) w.resolve(outputs[i]!);
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      options.onBatch?.(batch.length, (performance.now() - started) / 1000);
      inFlight--;
      pump();
    }
  }

  function pump(): void {
    pumpScheduled = false;
    while (waiting.length > 0 && inFlight < maxInFlight) {
      inFlight++;
      void runBatch(waiting.splice(0, maxBatch));
    }
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      // Start on the next microtask, not now: calls made in the same event-loop turn share a batch.
      if (!pumpScheduled && inFlight < maxInFlight) {
        pumpScheduled = true;
        queueMicrotask(pump);
      }
    });
}
