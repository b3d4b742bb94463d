import { foldCharacters } from '../retrieval/fold-characters.ts';
import { type CompanyHandoffRules, withCompanyRules } from './company-handoff-rules.ts';
import { type HandoffRules, sensitiveIntentReplies } from './handoff-rules.ts';

/** Stable reason codes stored with each flag. */
export type HandoffReason = 'customer_asked' | 'sensitive' | 'complaint' | 'vip' | 'low_confidence';

export interface HandoffFlag {
  reason: HandoffReason;
  /** What the customer is told while they wait. */
  text: string;
  /** Which rule fired and on what, for the record (sensitive intent name, matched phrase…). */
  detail: Record<string, unknown>;
}

export interface HandoffCheck {
  /** The customer's new message(s). */
  text: string;
  customerTags: readonly string[];
  /** A person already answered in this conversation (the bot got it back after a handoff). */
  agentHasReplied: boolean;
}

/**
 * Amounts the customer names: 1500元, 1,500块, ¥1500, 1500 rmb. Bare numbers are not amounts:
 * order and phone numbers would otherwise read as huge refunds.
 */
const AMOUNT = /[¥￥]\s*(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s*(?:元|块|rmb)/gi;

/**
 * Decides from config rules whether a person must take over. Pure: no I/O; the brain supplies what
 * it knows (message, tags, history facts) and acts on the flag. Its one state is the rules in
 * force: handoff.json's, with the company's own from the console over them (`follow`).
 */
export class HandoffPolicy {
  private rules!: HandoffRules;
  /**
   * Sensitive intents by name → what the customer is told, for the model brain's check after the
   * model. One map for the policy's life, refilled by `follow`, so a brain holding it sees the change.
   */
  readonly sensitiveIntents = new Map<string, string>();

  constructor(private readonly configured: HandoffRules) {
    this.use(configured);
  }

  /** The company's rules from now on, over handoff.json's (the next check uses them). */
  follow(company: CompanyHandoffRules): void {
    this.use(withCompanyRules(this.configured, company));
  }

  private use(rules: HandoffRules): void {
    this.rules = {
      ...rules,
      vip: { ...rules.vip, tags: rules.vip.tags.map((t) => t.toLowerCase()) },
    };
    this.sensitiveIntents.clear();
    for (const [name, reply] of sensitiveIntentReplies(rules)) this.sensitiveIntents.set(name, reply);
  }

  /** Rules that apply before looking for an answer, in priority order. */
  check(input: HandoffCheck): HandoffFlag | null {
    const text = foldCharacters(input.text);
    const { customerAsked, sensitive, complaint, vip } = this.rules;

    const asked = findPhrase(text, customerAsked.phrases);
    if (asked && !findPhrase(text, customerAsked.unless)) {
      return { reason: 'customer_asked', text: customerAsked.reply, detail: { phrase: asked } };
    }
    const bare = text.replace(/[\s\p{P}\p{S}]/gu, '');
    const exact = customerAsked.exact.find((phrase) => bare === phrase.toLowerCase());
    if (exact) return { reason: 'customer_asked', text: customerAsked.reply, detail: { phrase: exact } };
    for (const rule of sensitive) {
      const phrase = findPhrase(text, rule.phrases);
      if (!phrase) continue;
      const amount = largestAmount(text);
      if (rule.amountAbove !== undefined && !(amount !== undefined && amount > rule.amountAbove)) continue;
      return { reason: 'sensitive', text: rule.reply, detail: { intent: rule.name, phrase, ...(amount !== undefined && { amount }) } };
    }
    const complained = findPhrase(text, complaint.phrases);
    if (complained) return { reason: 'complaint', text: complaint.reply, detail: { phrase: complained } };

    // A VIP is greeted by a person once; after an agent hands the conversation back, the bot may
    // answer, or every message would bounce straight back to the queue.
    const tag = input.customerTags.find((t) => vip.tags.includes(t.toLowerCase()));
    if (tag !== undefined && !input.agentHasReplied) return { reason: 'vip', text: vip.reply, detail: { tag } };
    return null;
  }

  /** `streak` counts consecutive customer turns without a confident answer, this one included. */
  checkLowConfidence(streak: number): HandoffFlag | null {
    const { consecutive, reply } = this.rules.lowConfidence;
    return streak >= consecutive ? { reason: 'low_confidence', text: reply, detail: { streak } } : null;
  }
}

function findPhrase(text: string, phrases: readonly string[]): string | undefined {
  return phrases.find((phrase) => text.includes(phrase.toLowerCase()));
}

function largestAmount(text: string): number | undefined {
  let largest: number | undefined;
  for (const match of text.matchAll(AMOUNT)) {
    const value = Number((match[1] ?? match[2]!).replace(/,/g, ''));
    if (Number.isFinite(value) && (largest === undefined || value > largest)) largest = value;
  }
  return largest;
}
