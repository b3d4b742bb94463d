import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeWecomApi } from '../../../src/simulator/fake-wecom-api.ts';
import { ANSWER, percentile, type SentMessage } from './load.ts';

/** Where each scenario appends its row; test/faults/run.ts prints them as one table. */
export const RESULTS_FILE = process.env.FAULT_RESULTS_FILE ?? join(tmpdir(), 'kefu-fault-results.jsonl');

export interface Verdict {
  scenario: string;
  sent: number;
  acked: number;
  /** Acknowledged messages whose customer got the answer. */
  answered: number;
  /** Replies beyond the first, to anyone. */
  duplicates: number;
  /** Acknowledged messages with no answer. */
  lost: number;
  /** Not acknowledged (the platform gave up) yet stored and answered: allowed, counted for the record. */
  answeredUnacked: number;
  /** Replies that are not the expected answer (a wrong or fallback text). */
  wrong: number;
  p99AckMs: number;
  /** From the ack to the reply reaching the customer, 99th percentile, in seconds. */
  p99ReplyS: number;
  note?: string;
}

/**
 * Each customer sent one question; exactly one delivered text, the FAQ answer, is the only right
 * outcome for an acknowledged one. Reads the fake WeCom's delivered list — what customers saw.
 */
export function judge(scenario: string, sent: SentMessage[], wecom: FakeWecomApi): Verdict {
  const byUser = new Map<string, string[]>();
  const firstAt = new Map<string, number>();
  for (const d of wecom.delivered) {
    const list = byUser.get(d.touser) ?? [];
    list.push(d.content);
    byUser.set(d.touser, list);
    if (!firstAt.has(d.touser)) firstAt.set(d.touser, d.at);
  }
  let answered = 0;
  let lost = 0;
  let duplicates = 0;
  let answeredUnacked = 0;
  let wrong = 0;
  for (const s of sent) {
    const replies = byUser.get(s.customer) ?? [];
    duplicates += Math.max(0, replies.length - 1);
    wrong += replies.filter((r) => !ANSWER.test(r)).length;
    if (s.acked) replies.length > 0 ? answered++ : lost++;
    else if (replies.length > 0) answeredUnacked++;
  }
  const acked = sent.filter((s) => s.acked);
  return {
    scenario,
    sent: sent.length,
    acked: acked.length,
    answered,
    duplicates,
    lost,
    answeredUnacked,
    wrong,
    p99AckMs: Math.round(
      percentile(
        acked.map((s) => s.ackMs!),
        99,
      ),
    ),
    p99ReplyS: Number(
      (
        percentile(
          acked.filter((s) => firstAt.has(s.customer)).map((s) => Math.max(0, firstAt.get(s.customer)! - s.ackedAt!)),
          99,
        ) / 1000
      ).toFixed(1),
    ),
  };
}

/** Waits until every acknowledged customer has a reply (or the time is up), then a little longer for late duplicates. */
export async function waitForAnswers(sent: SentMessage[], wecom: FakeWecomApi, timeoutMs: number, settleMs = 3000): Promise<void> {
  const waiting = new Set(sent.filter((s) => s.acked).map((s) => s.customer));
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (waiting.size > 0 && Date.now() < deadline) {
    for (; seen < wecom.delivered.length; seen++) waiting.delete(wecom.delivered[seen]!.touser);
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, settleMs));
}

export function record(verdict: Verdict): void {
  appendFileSync(RESULTS_FILE, `${JSON.stringify(verdict)}\n`);
}
