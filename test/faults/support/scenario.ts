import type { ExecutionContext } from 'ava';
import type { Cluster } from './cluster.ts';
import { pushLoad, type LoadOptions, type SentMessage } from './load.ts';
import { judge, record, waitForAnswers, type Verdict } from './verdict.ts';

/** Scale of every scenario: FAULT_CUSTOMERS callbacks at FAULT_RATE a second (defaults fit 2 shared cores). */
export const CUSTOMERS = Number(process.env.FAULT_CUSTOMERS ?? 1500);
export const RATE = Number(process.env.FAULT_RATE ?? 50);
/** The second (of the load) at which a scenario's fault starts: a third of the way in. */
export const FAULT_AT_S = Math.max(2, Math.floor(CUSTOMERS / RATE / 3));

export interface ScenarioOptions {
  name: string;
  cluster: Cluster;
  /** Called once per second of load with the second number: inject faults here. */
  onSecond?: (second: number) => void | Promise<void>;
  load?: Partial<Pick<LoadOptions, 'maxAttempts' | 'retryDelayMs'>>;
  /** How long to wait for every acknowledged message to be answered after the load. */
  drainMs?: number;
  note?: () => string;
  /** The fault's own work that may outlast the load (a rolling restart): finished before the drain and the verdict. */
  faultDone?: () => Promise<unknown>;
  /** Callbacks of this scenario (default CUSTOMERS). */
  customers?: number;
}

/**
 * Pushes the load while the scenario breaks things, waits for the answers, records the row of the
 * table, and checks what must hold whatever broke: every acknowledged message answered with the
 * FAQ answer, nothing twice, and nothing stored left unanswered.
 */
export async function runScenario(t: ExecutionContext, options: ScenarioOptions): Promise<{ verdict: Verdict; sent: SentMessage[] }> {
  const { cluster } = options;
  const sent = await pushLoad({
    tag: options.name.replace(/\W+/g, '').slice(0, 12),
    customers: options.customers ?? CUSTOMERS,
    ratePerSecond: RATE,
    targets: () => cluster.apiUrls(),
    ...options.load,
    onTick: (second) => options.onSecond?.(second),
  });
  await options.faultDone?.();
  const drainUntil = Date.now() + (options.drainMs ?? 90_000);
  await waitForAnswers(sent, cluster.wecom, drainUntil - Date.now());
  // Stored but not acknowledged (the platform gave up) must be answered too: wait for those as well.
  let counts = await cluster.inboundCounts();
  while (counts.pending > 0 && Date.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 1000));
    counts = await cluster.inboundCounts();
  }
  if (counts.pending > 0) t.log('still pending:', await cluster.describePending());
  const verdict: Verdict = { ...judge(options.name, sent, cluster.wecom), note: options.note?.() };
  record(verdict);
  t.log(verdict, counts);
  t.is(verdict.lost, 0, 'every acknowledged message was answered');
  t.is(verdict.duplicates, 0, 'no customer saw a reply twice');
  t.is(verdict.wrong, 0, 'every reply is the FAQ answer');
  t.true(verdict.acked > 0, 'callbacks were acknowledged');
  t.is(counts.pending, 0, 'nothing stored was left unanswered');
  t.is(
    counts.stored,
    verdict.acked + verdict.answeredUnacked,
    'what is stored is what was acknowledged, plus answered unacknowledged retries',
  );
  return { verdict, sent };
}
