import { z } from 'zod';

/**
 * What a tag rule looks for (docs/marketing.md, "Rules"). A message condition is met by one
 * customer message, or — with `times` and `withinDays` — by that many matching messages of the
 * customer within that many days ("asked about refunds twice in 30 days"). `channels` narrows any
 * of them to customers of those channels. `inactive` is met by silence, by the hourly sweep.
 */
const CHANNEL_KINDS = ['wecom', 'wechat-mp', 'wecom-kf', 'web'] as const;

const words = (max: number) => z.array(z.string().trim().min(1).max(max)).min(1).max(50);
const repeat = {
  times: z.number().int().min(1).max(100).default(1),
  withinDays: z.number().int().min(1).max(365).optional(),
  channels: z.array(z.enum(CHANNEL_KINDS)).min(1).optional(),
};

export const tagRuleCondition = z
  .discriminatedUnion('kind', [
    /** The customer's text contains one of the words (ignoring case and full-width forms). */
    z.object({ kind: z.literal('keywords'), words: words(50), ...repeat }),
    /**
     * The bot's reading of the message: the model's intent, the FAQ entry the offline brain matched
     * (its question), or the reason it handed over (complaint, customer_asked…).
     */
    z.object({ kind: z.literal('intent'), intents: words(100), ...repeat }),
    /** The entities the model found in the message (products, order numbers…). */
    z.object({ kind: z.literal('entity'), entities: words(100), ...repeat }),
    /** Any message on these channels. */
    z.object({
      kind: z.literal('channel'),
      channels: z.array(z.enum(CHANNEL_KINDS)).min(1),
      times: repeat.times,
      withinDays: repeat.withinDays,
    }),
    /** No message from the customer for this many days; the tag goes when they write again. */
    z.object({ kind: z.literal('inactive'), days: z.number().int().min(1).max(3650), channels: repeat.channels }),
  ])
  .refine((c) => c.kind === 'inactive' || c.times === 1 || c.withinDays !== undefined, {
    message: 'a rule that counts messages (times > 1) says within how many days (withinDays)',
  });

export type TagRuleCondition = z.infer<typeof tagRuleCondition>;
export type MessageCondition = Exclude<TagRuleCondition, { kind: 'inactive' }>;

/** One customer message as the rules see it: its text, its channel, and the bot's reply's meta. */
export interface RuleMessage {
  text: string;
  channel: string;
  replyMeta: Record<string, unknown>;
}

/** NFKC folds full-width letters and digits (ＶＩＰ → VIP); case is ignored. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(strings)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];

/** Whether one message meets the condition (its own part: `times` is counted by the caller). */
export function messageMeets(condition: MessageCondition, message: RuleMessage): boolean {
  if (condition.channels && !condition.channels.includes(message.channel as (typeof CHANNEL_KINDS)[number])) return false;
  switch (condition.kind) {
    case 'keywords': {
      const text = fold(message.text);
      return condition.words.some((word) => text.includes(fold(word)));
    }
    case 'intent': {
      const read = [message.replyMeta.intent, message.replyMeta.question, message.replyMeta.handoffReason].flatMap(strings).map(fold);
      return condition.intents.some((intent) => read.includes(fold(intent)));
    }
    case 'entity': {
      const found = strings(message.replyMeta.entities).map(fold);
      return condition.entities.some((entity) => found.includes(fold(entity)));
    }
    case 'channel':
      return true;
  }
}
