import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { answerQuestionGroup } from '../insights/answer-question-group.ts';
import { listUnansweredGroups } from '../insights/list-unanswered-groups.ts';
import type { QuestionLab } from '../insights/question-lab.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';

/**
 * Supervisors read 未知问题 (a report of what customers asked); only admins change the knowledge.
 * Marketers do not: the questions are what customers wrote, conversation bodies (docs/console-accounts.md).
 */
const READING_ROLES: readonly StaffRole[] = ['admin', 'supervisor'];
const CHANGING_ROLES: readonly StaffRole[] = ['admin'];

/** What 未知问题 and the dashboard (dashboard-routes.ts) are built from. */
export interface InsightsRoutesDeps {
  db: Database;
  lab: QuestionLab;
  /** Tells every process holding knowledge indexes that a knowledge base changed (the kb-changed feed). */
  announceKbChange(kbName: string): Promise<void>;
  /** LLM_PRICE_PER_1K_TOKENS, for the dashboard's cost. */
  pricePer1kTokens: number;
}

const kbName = z.string().trim().min(1).max(100);
const question = z.string().trim().min(1).max(500);
const change = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('new_entry'),
      question,
      similar: z.array(question).max(50).default([]),
      answer: z.string().trim().min(1).max(5000),
    }),
    z.object({ kind: z.literal('similar_questions'), entryId: z.string().regex(/^\d+$/), similar: z.array(question).min(1).max(50) }),
  ])
  .meta({ id: 'FaqChange' });

const group = z
  .object({
    knowledgeBase: z.string(),
    question: z.string(),
    count: z.number().int(),
    reasons: z.object({ declined: z.number().int(), handoff: z.number().int(), thumbs_down: z.number().int() }),
    wordings: z.array(z.object({ text: z.string(), count: z.number().int() })),
    questionIds: z.array(z.number().int()),
    lastAskedAt: timestamp,
  })
  .meta({ id: 'UnansweredGroup' });

const retested = z
  .object({ question: z.string(), answered: z.boolean(), byChangedEntry: z.boolean(), match: z.string().nullable(), score: z.number() })
  .meta({ id: 'RetestedQuestion' });

/** 未知问题: the questions the bot declined, handed off or got a 👎 for, grouped; answered in one step. */
export function registerUnansweredRoutes(api: ApiRegistry, deps: InsightsRoutesDeps): void {
  const { db, lab } = deps;
  const base = { tag: 'unanswered' };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/unanswered',
    summary:
      'The last 30 days’ turns the bot declined, handed off or got a 👎 on, grouped by similarity (the brain’s analyzer), biggest group first',
    access: READING_ROLES,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    success: {
      status: 200,
      description: 'The groups, and how many turns they were made of',
      schema: z.object({ groups: z.array(group), turns: z.number().int() }),
    },
    handle: async ({ query }) => {
      const { groups, turns } = await listUnansweredGroups(db, await lab.analyzer(), query.limit);
      return { groups: groups.map((g) => ({ ...g, lastAskedAt: g.lastAskedAt.toISOString() })), turns };
    },
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/unanswered/retest',
    summary: 'Which of these questions the bot would answer with the change applied, nothing saved',
    access: CHANGING_ROLES,
    body: z.object({ kbName, questions: z.array(question).min(1).max(100), change }),
    success: { status: 200, description: 'One result per question, in order', schema: z.object({ results: z.array(retested) }) },
    handle: async ({ body }) => ({ results: await lab.retest(body.kbName, body.questions, body.change) }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/unanswered/answers',
    summary:
      'Answer a group: a new FAQ entry, or similar questions of an existing one, saved as a new version of its document; running workers reload at once',
    access: CHANGING_ROLES,
    body: z.object({ kbName, questionIds: z.array(z.number().int().positive()).min(1).max(1000), change }),
    success: {
      status: 201,
      description: 'The entry made or extended, and the document version now served',
      schema: z.object({ entryQuestion: z.string(), document: z.string(), version: z.number().int() }),
    },
    handle: ({ body, audit }) => answerQuestionGroup(db, body, audit, deps.announceKbChange),
  });
}
