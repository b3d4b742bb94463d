import type { HostileRequest, Outcome, OutcomeTally } from './hostile-http.ts';

/**
 * How the hostile-input scenario judges its storm: each answer on its own (a 5xx, a bad credential
 * let in, no answer at all), the routes as a whole (each got bad input written for it), and the
 * evidence a failure is reported with.
 */
export interface Failure {
  route: string;
  kind: string;
  outcome: Outcome;
  why: '5xx' | 'let in' | 'no answer';
}

/** What is wrong with one answer, or undefined when it is a right answer to bad input. */
export function judgeAnswer(h: HostileRequest, outcome: Outcome): Failure['why'] | undefined {
  // The server may refuse an oversized body before reading it and close: a reset is a refusal.
  if (typeof outcome === 'string') return h.oversized && ['ECONNRESET', 'EPIPE'].includes(outcome) ? undefined : 'no answer';
  if (outcome >= 500) return '5xx';
  if (h.mustRefuse && outcome < 400) return 'let in';
  return undefined;
}

/** `route | kind → outcome: count`, the form a failure is reported in. */
export function countFailures(list: Failure[], why: Failure['why']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of list.filter((x) => x.why === why)) {
    const key = `${f.route} | ${f.kind} → ${f.outcome}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const GENERIC_KINDS = new Set(['wrong method', 'junk in the query', 'odd headers', 'odd path parameters']);

/** Listed routes that got no bad input, or — when they take input (a body, a path parameter) — only the generic kinds. */
export function routesLeftOut(routes: string[], tally: OutcomeTally): string[] {
  const takesInput = (r: string) => !r.startsWith('GET') || r.includes(':');
  return routes.filter((r) => {
    const kinds = tally.byRoute.get(r);
    return !kinds || (takesInput(r) && [...kinds.keys()].every((k) => GENERIC_KINDS.has(k)));
  });
}

/** One line per distinct message a process logged at error or above: the evidence for a 5xx. */
export function errorSamples(output: string): string[] {
  const seen = new Map<string, string>();
  for (const line of output.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.level >= 50 && !seen.has(entry.msg)) seen.set(entry.msg, line.slice(0, 1500));
    } catch {
      // Only the service's JSON lines are evidence here.
    }
  }
  return [...seen.values()];
}
