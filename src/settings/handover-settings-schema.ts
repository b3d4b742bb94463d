import { z } from 'zod';

/**
 * The settings of handing a conversation to a person (issue 15, "The bot"): the handoff rules, the
 * business hours, and the hold notice. Each is a section of its own in bot_settings; handoff.json,
 * the defaults below and HOLD_NOTICE_* are what applies while a section was never saved.
 */

const phrase = z.string().trim().min(1).max(50);

export const handoffSettingsSchema = z.object({
  /** Phrases that hand the conversation to a person (handoff.json customerAsked.phrases). */
  keywords: z.array(phrase).max(200),
  /** Phrases that cancel a keyword: 「人工客服几点上班」 asks about hours, not for a person. */
  unless: z.array(phrase).max(200),
  /**
   * handoff.json's built-in rules by name (each `sensitive` rule's name, `complaint`, `vip`):
   * false = it never hands off. Names that handoff.json does not have are refused on save.
   */
  intents: z.record(z.string().min(1).max(50), z.boolean()),
  /** Unanswered customer turns in a row before a person takes over (lowConfidence.consecutive); 0 = never. */
  repeatedMisses: z.number().int().min(0).max(20),
  /** Segments (客户分群) whose customers go straight to a person, first match first; checked on save. */
  segments: z.array(z.number().int().positive()).max(20).default([]),
  /** What those customers are told while they wait. */
  segmentReply: z.string().trim().min(1).max(500).default('您好，已为您安排专属客服，请稍候～'),
});
export type HandoffSettings = z.infer<typeof handoffSettingsSchema>;

/** The days of a weekly schedule, as the schedule names them (Intl's `weekday: 'long'` in English). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock time; 24:00 ends a day. */
const clock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time is HH:MM, from 00:00 to 24:00');
const openInterval = z
  .object({ from: clock, to: clock })
  // Fixed-width HH:MM strings compare as the times they are.
  .refine((i) => i.from < i.to, {
    message: 'the interval must end after it starts (split one past midnight into two days)',
    path: ['to'],
  });
const openDay = z
  .array(openInterval)
  .max(8)
  .superRefine((intervals, ctx) => {
    const order = intervals.map((interval, index) => ({ ...interval, index })).sort((a, b) => a.from.localeCompare(b.from));
    for (let i = 1; i < order.length; i++) {
      const [before, after] = [order[i - 1]!, order[i]!];
      if (after.from < before.to)
        ctx.addIssue({
          code: 'custom',
          message: `${after.from}–${after.to} overlaps ${before.from}–${before.to}`,
          path: [after.index, 'from'],
        });
    }
  });

/** An IANA time zone this Node knows (its ICU's list; aliases such as Asia/Chongqing included). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const businessHoursSchema = z.object({
  /** Off = always open: every handoff is told the usual reply (the default, and today's behaviour). */
  enabled: z.boolean(),
  timezone: z.string().refine(isKnownTimeZone, 'not an IANA time zone (e.g. Asia/Shanghai)'),
  /** Per weekday, the hours people answer; a day with none is closed. */
  weekly: z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, openDay])) as Record<Weekday, typeof openDay>),
  /** Whole days closed in the time zone (holidays), whatever the weekly schedule says. */
  closures: z
    .array(z.object({ date: z.iso.date(), note: z.string().trim().max(100).optional() }))
    .max(400)
    .superRefine((closures, ctx) => {
      const seen = new Set<string>();
      closures.forEach(({ date }, index) => {
        if (seen.has(date)) ctx.addIssue({ code: 'custom', message: `${date} is listed twice`, path: [index, 'date'] });
        seen.add(date);
      });
    }),
  /** Told to a customer handed to a person while closed, instead of the handoff's usual reply. */
  message: z.string().trim().min(1).max(500),
});
export type BusinessHours = z.infer<typeof businessHoursSchema>;

const nineToSix = [{ from: '09:00', to: '18:00' }];
/** No env var or config file says when a company works: off, with a weekday schedule to start from. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  enabled: false,
  timezone: 'Asia/Shanghai',
  weekly: { monday: nineToSix, tuesday: nineToSix, wednesday: nineToSix, thursday: nineToSix, friday: nineToSix, saturday: [], sunday: [] },
  closures: [],
  message: '您好，现在是非工作时间，您的消息已转给人工客服，我们上班后会第一时间回复您。',
};

export const holdNoticeSettingsSchema = z.object({
  /** Told to a customer who writes while waiting for a person (HOLD_NOTICE_TEXT). */
  text: z.string().trim().min(1).max(500),
  /** At most once per this long, per conversation (HOLD_NOTICE_INTERVAL_MS); 0 = never. */
  intervalMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3_600_000),
});
export type HoldNoticeSettings = z.infer<typeof holdNoticeSettingsSchema>;
