import { z } from 'zod';
import { foldCharacters } from '../retrieval/fold-characters.ts';
import type { SmallTalkConfig } from './small-talk.ts';

/** The kind whose reply is the bot's greeting (人设与欢迎语), not a small-talk setting. */
export const GREETING_KIND = 'greeting';

const phrase = z.string().trim().min(1).max(50);

/**
 * A company's small talk, saved in the console (机器人设置 → 寒暄): per kind of
 * config/brain/smalltalk.json its own phrases and reply, or the kind turned off; and kinds of its
 * own (告别: 再见 拜拜 → 「再见，祝您生活愉快」). It is laid over smalltalk.json, never written into it.
 */
export const companySmallTalkSchema = z
  .object({
    kinds: z
      .array(
        z.object({
          kind: z
            .string()
            .trim()
            .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a kind is a short latin name (thanks, goodbye)'),
          /** Off: its phrases are no small talk any more (asked as questions, or cut off none). */
          enabled: z.boolean().default(true),
          /** Said as small talk, besides the kind's phrases in smalltalk.json. */
          phrases: z.array(phrase).max(200).default([]),
          /** Replaces the kind's reply; a kind of the company's own must have one. */
          reply: z.string().trim().min(1).max(500).optional(),
        }),
      )
      .max(30)
      .default([]),
  })
  .superRefine((settings, ctx) => {
    const kindAt = new Map<string, number>();
    const phraseAt = new Map<string, number>();
    settings.kinds.forEach(({ kind, phrases, reply }, k) => {
      if (kindAt.has(kind)) ctx.addIssue({ code: 'custom', path: ['kinds', k, 'kind'], message: `the kind ${kind} is listed twice` });
      kindAt.set(kind, k);
      if (kind === GREETING_KIND && reply !== undefined)
        ctx.addIssue({ code: 'custom', path: ['kinds', k, 'reply'], message: 'the reply to a greeting is the 欢迎语 of 人设与欢迎语' });
      for (const [p, raw] of phrases.entries()) {
        const folded = foldCharacters(raw);
        const other = phraseAt.get(folded);
        if (other !== undefined && other !== k)
          ctx.addIssue({
            code: 'custom',
            path: ['kinds', k, 'phrases', p],
            message: `「${raw}」 is a phrase of ${settings.kinds[other]!.kind} and of ${kind}: a phrase has one reply`,
          });
        phraseAt.set(folded, k);
      }
    });
  });
export type CompanySmallTalk = z.infer<typeof companySmallTalkSchema>;

export const NO_COMPANY_SMALL_TALK: CompanySmallTalk = { kinds: [] };

/** Why `company` cannot be laid over `base`, if it cannot: a kind of its own without a reply or a phrase. */
export function smallTalkProblem(base: SmallTalkConfig, company: CompanySmallTalk): string | undefined {
  const known = new Set(base.kinds.map((k) => k.kind));
  for (const { kind, enabled, phrases, reply } of company.kinds) {
    if (known.has(kind) || !enabled) continue;
    if (reply === undefined) return `the new kind ${kind} needs a reply`;
    if (phrases.length === 0) return `the new kind ${kind} needs a phrase`;
  }
  return undefined;
}

/**
 * smalltalk.json with the company's settings laid over: kinds turned off are gone, a kind's own
 * phrases come first and its reply replaces the file's, and a phrase the company gives one kind is
 * taken from every other (好 as thanks is not an acknowledgement too). New kinds follow the file's.
 */
export function withCompanySmallTalk(base: SmallTalkConfig, company: CompanySmallTalk): SmallTalkConfig {
  const own = new Map(company.kinds.map((k) => [k.kind, k]));
  const claimed = new Set(company.kinds.flatMap((k) => k.phrases.map(foldCharacters)));
  const merged = base.kinds.flatMap((kind) => {
    const settings = own.get(kind.kind);
    if (settings?.enabled === false) return [];
    const phrases = [...(settings?.phrases ?? []), ...kind.phrases.filter((p) => !claimed.has(foldCharacters(p)))];
    return phrases.length === 0 ? [] : [{ ...kind, phrases, reply: settings?.reply ?? kind.reply }];
  });
  const known = new Set(base.kinds.map((k) => k.kind));
  const added = company.kinds
    .filter((k) => !known.has(k.kind) && k.enabled && k.reply !== undefined && k.phrases.length > 0)
    .map((k) => ({ kind: k.kind, phrases: k.phrases, reply: k.reply!, strip: true }));
  return { ...base, kinds: [...merged, ...added] };
}
