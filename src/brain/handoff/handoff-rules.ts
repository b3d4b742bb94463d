import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';

const phrases = z.array(z.string().min(1)).min(1);
const reply = z.string().min(1);

/** The shape of config/brain/handoff.json. */
export const handoffRulesSchema = z.object({
  customerAsked: z.object({
    phrases,
    unless: z.array(z.string().min(1)).default([]),
    /** Whole-message requests: 「人工」 alone asks for a person, 「人工费多少」 does not. */
    exact: z.array(z.string().min(1)).default([]),
    reply,
  }),
  sensitive: z
    .array(
      z.object({
        /** Names the intent in the flag, e.g. 'legal', 'large_refund'. */
        name: z.string().min(1),
        phrases,
        /** Only when the message also names an amount (¥, 元, 块) above this. */
        amountAbove: z.number().positive().optional(),
        reply,
      }),
    )
    .default([]),
  complaint: z.object({ phrases, reply }),
  vip: z.object({ tags: z.array(z.string().min(1)), reply }),
  lowConfidence: z.object({ consecutive: z.number().int().min(1).default(2), reply }),
  /** What the bot says instead of handing off when it cannot answer (src/brain/clarify-offer.ts). */
  clarify: z.object({
    unknown: reply,
    /**
     * Said instead of `unknown` when the question names things no close entry mentions (茶壶 in
     * 「茶壶多少钱」); `{things}` is replaced by them, joined with 、.
     */
    notCovered: reply.includes('{things}'),
    /** Heads a question back: the close candidates when several could be meant. */
    ask: reply,
    /** Heads the list of offered questions. */
    suggest: reply,
    /** How to pick one; followed by `person`. */
    choose: reply,
    /** How to reach a person: must name a word `customerAsked` hands off on. */
    person: reply,
    /** Offered questions score at least this (the retrieval score, below retrieval.json's threshold). */
    minScore: z.number().min(0),
    maxOffers: z.number().int().min(0).max(9).default(3),
    /**
     * A candidate above the threshold scoring at least this share of the best one is close: the
     * bot asks which was meant instead of answering (src/brain/answer-decision.ts); 1 never asks.
     */
    askWithin: z.number().min(0).max(1).default(1),
  }),
});

export type ClarifyRules = HandoffRules['clarify'];

export type HandoffRules = z.infer<typeof handoffRulesSchema>;

/**
 * Sensitive intents by name → what the customer is told, for the model brain. An amount rule needs
 * the amount, which only the message text shows: the policy checks those.
 */
export function sensitiveIntentReplies(rules: HandoffRules): ReadonlyMap<string, string> {
  return new Map(rules.sensitive.filter((rule) => rule.amountAbove === undefined).map((rule) => [rule.name, rule.reply]));
}

export async function loadHandoffRules(path: string): Promise<HandoffRules> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  const parsed = handoffRulesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
