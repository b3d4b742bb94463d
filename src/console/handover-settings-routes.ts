import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import { readSettingsSection, type SettingsAccess, saveSettingsSection } from '../settings/bot-settings.ts';
import type { BotSettingsDocuments } from '../settings/bot-settings-schema.ts';
import { checkHandoffSettings } from '../settings/check-handoff-settings.ts';
import { businessHoursSchema, handoffSettingsSchema, holdNoticeSettingsSchema } from '../settings/handover-settings-schema.ts';
import { ADMIN_ONLY } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { settingsSectionAnswer } from './settings-routes.ts';

type HandoverSection = 'handoff' | 'hours' | 'holdNotice';

interface SectionRoutes<S extends HandoverSection> {
  section: S;
  path: `/api/settings/${string}`;
  schema: z.ZodType<BotSettingsDocuments[S]>;
  /** The OpenAPI name of the answer. */
  id: string;
  /** What the section is, for the summaries. */
  what: string;
  /** Checks beyond the schema, before the save. */
  check?(document: BotSettingsDocuments[S]): Promise<void>;
}

/**
 * Handing over to a person (机器人设置 → 转人工规则, 营业时间, 等待提示; issue 15): admins only,
 * each section saved as the next version with its audit entry, then announced so every worker uses
 * it from the next turn on, like the persona (src/console/settings-routes.ts).
 */
export function registerHandoverSettingsRoutes(api: ApiRegistry, deps: { db: Database; settings: SettingsAccess; logger: Logger }): void {
  const { db, settings, logger } = deps;
  const sections = [
    {
      section: 'handoff',
      path: '/api/settings/handoff',
      schema: handoffSettingsSchema,
      id: 'HandoffSettings',
      what: 'the handoff rules: keywords and unless phrases, the built-in rules on or off, repeated misses, segments that go straight to a person (version 0 = handoff.json)',
      check: (document) => checkHandoffSettings(db, document, settings.defaults),
    } satisfies SectionRoutes<'handoff'>,
    {
      section: 'hours',
      path: '/api/settings/hours',
      schema: businessHoursSchema,
      id: 'BusinessHoursSettings',
      what: 'business hours: time zone, weekly open intervals, closed dates and the out-of-hours message (version 0 = off, always open)',
    } satisfies SectionRoutes<'hours'>,
    {
      section: 'holdNotice',
      path: '/api/settings/hold-notice',
      schema: holdNoticeSettingsSchema,
      id: 'HoldNoticeSettings',
      what: 'the hold notice told to a customer who writes while waiting, and its interval (version 0 = HOLD_NOTICE_TEXT, HOLD_NOTICE_INTERVAL_MS)',
    } satisfies SectionRoutes<'holdNotice'>,
  ];
  for (const routes of sections) registerSection(routes as SectionRoutes<HandoverSection>);

  function registerSection<S extends HandoverSection>({ section, path, schema, id, what, check }: SectionRoutes<S>): void {
    const base = { tag: 'settings', access: ADMIN_ONLY, path };
    const answer = settingsSectionAnswer(schema, id);
    api.operation({
      ...base,
      method: 'get',
      summary: `The ${what}`,
      success: { status: 200, description: 'The settings in force', schema: answer },
      handle: () => readSettingsSection(db, section, settings),
    });
    api.operation({
      ...base,
      method: 'put',
      summary: `Save ${what.split(':')[0]} as the next version (409 if someone saved since \`baseVersion\`); running workers use it from the next turn`,
      body: z.object({ baseVersion: z.number().int().min(0), document: schema }),
      success: { status: 200, description: 'The settings as saved', schema: answer },
      handle: async ({ body, audit }) => {
        const document = body.document as BotSettingsDocuments[S];
        await check?.(document);
        const saved = await saveSettingsSection(db, { section, baseVersion: body.baseVersion, document }, settings, audit);
        // Saved and audited either way: a process that misses the announcement keeps the old
        // settings until the next change or reconnect, which is worth a log line, not a failed save.
        await settings.announce(section).catch((err) => logger.warn({ err, section }, 'settings change not announced'));
        return saved;
      },
    });
  }
}
