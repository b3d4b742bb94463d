import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { dashboardFigures } from '../insights/dashboard-figures.ts';
import { listUnansweredGroups } from '../insights/list-unanswered-groups.ts';
import type { QuestionLab } from '../insights/question-lab.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';

/** Reports are for supervisors and admins (docs/console-accounts.md); the top questions are customers' words. */
const READING_ROLES: readonly StaffRole[] = ['admin', 'supervisor'];

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));
const count = z.number().int();
const percentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), count });

const figures = z
  .object({
    days: z.array(z.string()),
    traffic: z.array(z.object({ day: z.string(), channel: z.string(), conversations: count, messages: count })),
    bot: z.array(
      z.object({
        day: z.string(),
        replies: count,
        resolved: count,
        handoffs: count,
        declined: count,
        thumbsDown: count,
        tokens: count,
        cost: z.number(),
      }),
    ),
    totals: z.object({
      replies: count,
      resolved: count,
      handoffs: count,
      resolutionRate: z.number(),
      handoffRate: z.number(),
      tokens: count,
      cost: z.number(),
    }),
    handoffReasons: z.array(z.object({ reason: z.string(), count })),
    timings: z.object({ botReply: percentiles, humanFirstResponse: percentiles }),
    topQuestions: z.array(z.object({ question: z.string(), count })),
    topUnanswered: z.array(z.object({ question: z.string(), knowledgeBase: z.string(), count })),
  })
  .meta({ id: 'Dashboard' });

/** 数据看板: one request for the whole page. */
export function registerDashboardRoutes(api: ApiRegistry, deps: { db: Database; lab: QuestionLab; pricePer1kTokens: number }): void {
  api.operation({
    method: 'get',
    path: '/api/dashboard',
    summary:
      'The dashboard over the last `days` days cut in `timeZone`: traffic by channel, the bot’s resolution and handoff rates, timings, top questions and 未知问题 groups, tokens and cost (LLM_PRICE_PER_1K_TOKENS)',
    tag: 'dashboard',
    access: READING_ROLES,
    query: z.object({
      days: z.coerce.number().int().min(1).max(90).default(14),
      timeZone: z
        .string()
        .refine((tz) => timeZones.has(tz) || tz === 'UTC', 'an IANA time zone, e.g. Asia/Shanghai')
        .default('Asia/Shanghai'),
    }),
    success: { status: 200, description: 'Every figure of the page', schema: figures },
    handle: async ({ query }) => {
      const [figures, unanswered] = await Promise.all([
        dashboardFigures(deps.db, { ...query, pricePer1kTokens: deps.pricePer1kTokens }),
        deps.lab.analyzer().then((analyze) => listUnansweredGroups(deps.db, analyze, 10)),
      ]);
      return {
        ...figures,
        topUnanswered: unanswered.groups.map((g) => ({ question: g.question, knowledgeBase: g.knowledgeBase, count: g.count })),
      };
    },
  });
}
