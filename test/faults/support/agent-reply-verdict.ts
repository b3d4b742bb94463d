import type { ReceivedText } from '../../../src/simulator/fake-wecom-api.ts';
import { percentile } from './load.ts';

/** One reply an agent posted through the console API. */
export interface PostedReply {
  customer: string;
  /** Unique across the scenario: what the customer must see exactly once. */
  text: string;
  /** Its position among the agent's replies in that conversation. */
  index: number;
  status: number;
  postMs: number;
  /** When (Date.now()) the API answered. */
  storedAt: number;
}

export interface AgentReplyVerdict {
  /** Replies the API accepted (201). */
  accepted: number;
  /** Accepted replies the customer saw. */
  delivered: number;
  lost: number;
  /** Deliveries beyond the first of a reply. */
  duplicates: number;
  /** Replies a customer saw before one the agent wrote earlier. */
  outOfOrder: number;
  /** From the API's 201 to the customer seeing the reply, 99th percentile, in seconds. */
  p99DeliveryS: number;
}

/** Reads what each customer saw (the fake platform's delivered list) against what the agent wrote. */
export function judgeAgentReplies(posted: PostedReply[], seen: readonly ReceivedText[]): AgentReplyVerdict {
  const accepted = posted.filter((p) => p.status === 201);
  const byText = new Map(accepted.map((p) => [p.text, p]));
  const copies = new Map<string, number>();
  const firstSeenAt = new Map<string, number>();
  const orderSeen = new Map<string, number[]>();
  for (const d of seen) {
    const reply = byText.get(d.content);
    if (!reply || reply.customer !== d.touser) continue;
    copies.set(d.content, (copies.get(d.content) ?? 0) + 1);
    if (firstSeenAt.has(d.content)) continue;
    firstSeenAt.set(d.content, d.at);
    orderSeen.set(d.touser, [...(orderSeen.get(d.touser) ?? []), reply.index]);
  }
  let outOfOrder = 0;
  for (const order of orderSeen.values()) outOfOrder += order.filter((index, i) => i > 0 && index < order[i - 1]!).length;
  const delivered = accepted.filter((p) => copies.has(p.text));
  return {
    accepted: accepted.length,
    delivered: delivered.length,
    lost: accepted.length - delivered.length,
    duplicates: [...copies.values()].reduce((sum, n) => sum + n - 1, 0),
    outOfOrder,
    p99DeliveryS: Number(
      (
        percentile(
          delivered.map((p) => Math.max(0, firstSeenAt.get(p.text)! - p.storedAt)),
          99,
        ) / 1000
      ).toFixed(1),
    ),
  };
}
