import type Router from '@koa/router';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { KnowledgeLookup } from '../brain/knowledge/look-up-knowledge.ts';
import type { Env } from '../config/env.ts';
import type { Database } from '../db/connect.ts';
import type { AudienceJob } from '../queue/audience-queue.ts';
import type { Logger } from '../observability/logger.ts';
import type { SettingsAccess } from '../settings/bot-settings.ts';
import type { SettingsPreviewLab } from '../settings/preview-settings.ts';
import { createLogIn } from '../staff/log-in.ts';
import { createLoginThrottle } from '../staff/login-throttle.ts';
import type { SessionLifetimes } from '../staff/sessions.ts';
import { createApiRegistry } from './api-registry.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { type ChannelRoutesDeps, registerChannelRoutes } from './channel-routes.ts';
import type { ConsoleStreamDeps } from './live/console-event-stream.ts';
import { registerEventsRoute } from './live/events-route.ts';
import { type ConversationRoutesDeps, registerConversationRoutes } from './conversation-routes.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts';
import { registerCustomerRoutes } from './customer-routes.ts';
import type { KnowledgeAdminDeps } from '../knowledge-admin/knowledge-changes.ts';
import { registerKnowledgeAdminRoutes } from './knowledge-admin-routes.ts';
import { registerKnowledgeRoutes } from './knowledge-routes.ts';
import { registerMeRoutes } from './me-routes.ts';
import { registerQuickReplyRoutes } from './quick-reply-routes.ts';
import { registerBroadcastRoutes } from './broadcast-routes.ts';
import { registerSegmentRoutes } from './segment-routes.ts';
import { registerTagRoutes } from './tag-routes.ts';
import { registerTagSyncRoutes } from './tag-sync-routes.ts';
import { registerTagRuleRoutes } from './tag-rule-routes.ts';
import { registerTeamRoutes } from './team-routes.ts';
import { registerUnansweredRoutes, type InsightsRoutesDeps } from './unanswered-routes.ts';
import { type PresenceRoutesDeps, registerPresenceRoutes } from './presence-routes.ts';
import { createRequestGuard } from './request-guard.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import { registerHandoverSettingsRoutes } from './handover-settings-routes.ts';
import { registerVocabularySettingsRoutes } from './vocabulary-settings-routes.ts';
import { registerUserRoutes } from './user-routes.ts';

/** The console API's routes, as the composition root adds them, configured from the environment. */
export function consoleApi(deps: {
  db: Database;
  redis: Redis;
  env: Pick<Env, 'CONSOLE_SESSION_IDLE_S' | 'CONSOLE_SESSION_MAX_S'>;
  conversations: Omit<ConversationRoutesDeps, 'db'>;
  knowledge: KnowledgeLookup;
  knowledgeAdmin: Omit<KnowledgeAdminDeps, 'db'>;
  settings: SettingsAccess & { preview: SettingsPreviewLab };
  live: Omit<ConsoleStreamDeps, 'db'> & Omit<PresenceRoutesDeps, 'db' | 'presence'>;
  audience: Queue<AudienceJob>;
  insights: Omit<InsightsRoutesDeps, 'db'>;
  channels: Omit<ChannelRoutesDeps, 'db'>;
}) {
  const lifetimes = { idleSeconds: deps.env.CONSOLE_SESSION_IDLE_S, maxSeconds: deps.env.CONSOLE_SESSION_MAX_S };
  return (router: Router) =>
    registerConsoleApi(router, {
      db: deps.db,
      redis: deps.redis,
      lifetimes,
      conversations: deps.conversations,
      knowledge: deps.knowledge,
      knowledgeAdmin: deps.knowledgeAdmin,
      settings: { ...deps.settings, logger: deps.live.logger },
      live: deps.live,
      audience: deps.audience,
      insights: deps.insights,
      channels: deps.channels,
    });
}

export interface ConsoleApiDeps {
  db: Database;
  /** For the login throttle (keys under the service's prefix). */
  redis: Redis;
  lifetimes: SessionLifetimes;
  /**
   * The queue and channels the conversation routes send through. The service always gives them;
   * the tests of accounts alone (test/support/console-api.ts) run without conversations.
   */
  conversations?: Omit<ConversationRoutesDeps, 'db'>;
  /** The bot's knowledge search, for the reply box; the service always gives it, the account tests do not. */
  knowledge?: KnowledgeLookup;
  /** What the admin's knowledge pages change knowledge with; given with `knowledge`. */
  knowledgeAdmin?: Omit<KnowledgeAdminDeps, 'db'>;
  /** The bot's settings (机器人设置); the service always gives them, the account tests do not. */
  settings?: SettingsAccess & { logger: Logger; preview: SettingsPreviewLab };
  /** The live event stream (GET /api/events); absent in the tests of accounts alone, like conversations. */
  live?: Omit<ConsoleStreamDeps, 'db'> & Omit<PresenceRoutesDeps, 'db' | 'presence'>;
  /** The audience queue, for rule backfills; absent in the tests of accounts alone. */
  audience?: Queue<AudienceJob>;
  /** 未知问题 and the dashboard; absent in the tests of accounts alone, like conversations. */
  insights?: Omit<InsightsRoutesDeps, 'db'>;
  /** The channel accounts (the 渠道 page); absent in the tests of accounts alone. */
  channels?: Omit<ChannelRoutesDeps, 'db'>;
}

/**
 * The console's API under /api: accounts, sessions, tokens, the audit log and conversations, each operation
 * registered once with its OpenAPI description (src/console/api-registry.ts), and the document
 * itself at GET /api/openapi.json. Answers how to build that document, for the console's typed client
 * (scripts/console-api-types.ts).
 */
export function registerConsoleApi(router: Router, deps: ConsoleApiDeps): { document(): object } {
  const api = createApiRegistry(router, createRequestGuard(deps));
  const logIn = createLogIn({ db: deps.db, throttle: createLoginThrottle(deps.redis), lifetimes: deps.lifetimes });
  registerAuthRoutes(api, { db: deps.db, logIn, lifetimes: deps.lifetimes });
  registerMeRoutes(api, deps);
  registerUserRoutes(api, deps);
  registerAuditRoutes(api, deps);
  registerTeamRoutes(api, deps);
  if (deps.conversations) registerConversationRoutes(api, { db: deps.db, ...deps.conversations });
  registerQuickReplyRoutes(api, deps);
  registerCustomerRoutes(api, deps);
  registerTagRoutes(api, deps);
  registerSegmentRoutes(api, deps);
  if (deps.audience) {
    registerTagRuleRoutes(api, { db: deps.db, audience: deps.audience });
    registerTagSyncRoutes(api, { db: deps.db, audience: deps.audience });
  }
  // A broadcast's forecast asks the channels the service sends through, which come with conversations.
  if (deps.audience && deps.conversations)
    registerBroadcastRoutes(api, {
      db: deps.db,
      audience: deps.audience,
      channels: new Map(deps.conversations.channels.map((c) => [c.kind, c])),
      logger: deps.conversations.logger,
    });
  if (deps.settings) registerSettingsRoutes(api, { db: deps.db, settings: deps.settings, logger: deps.settings.logger });
  if (deps.settings) registerHandoverSettingsRoutes(api, { db: deps.db, settings: deps.settings, logger: deps.settings.logger });
  if (deps.settings?.preview)
    registerVocabularySettingsRoutes(api, {
      db: deps.db,
      settings: deps.settings,
      preview: deps.settings.preview,
      logger: deps.settings.logger,
    });
  if (deps.knowledge) registerKnowledgeRoutes(api, { db: deps.db, knowledge: deps.knowledge });
  if (deps.knowledge && deps.knowledgeAdmin)
    registerKnowledgeAdminRoutes(api, { db: deps.db, knowledge: deps.knowledge, ...deps.knowledgeAdmin });
  if (deps.insights) {
    registerUnansweredRoutes(api, { db: deps.db, ...deps.insights });
    registerDashboardRoutes(api, { db: deps.db, ...deps.insights });
  }
  if (deps.channels) registerChannelRoutes(api, { db: deps.db, ...deps.channels });
  if (deps.live) {
    registerEventsRoute(api, { db: deps.db, ...deps.live });
    registerPresenceRoutes(api, { db: deps.db, ...deps.live });
  }
  let document: object | undefined;
  api.operation({
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    tag: 'meta',
    access: 'public',
    success: { status: 200, description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) },
    // Built on first request, when every operation is registered; the routes do not change after start.
    handle: () => (document ??= api.document()),
  });
  return { document: api.document };
}
