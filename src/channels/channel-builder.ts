import type { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { ConversationEvents } from '../conversations/conversation-events.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { CallbackLimits } from './shared/wx-callback.ts';
import type { AcceptInbound, Channel } from './types.ts';

/** all = API and workers in one process (one machine); api and worker scale apart. */
export type Role = 'all' | 'api' | 'worker';

/** What the composition root hands every channel it builds. */
export interface ChannelBuildDeps {
  role: Role;
  db: Database;
  /** Commands (keyPrefix applied). */
  redis: Redis;
  redisPrefix: string;
  metrics: Metrics;
  logger: Logger;
  limits: CallbackLimits;
  accept: AcceptInbound;
  /** Console events, for channels that change conversations themselves (微信客服 servicers' activity). */
  events: ConversationEvents;
  /** DATA_DIR, where generated secrets are kept. */
  dataDir: string;
  /** The demo page at GET / is on. */
  demoPage: boolean;
  /** A Redis connection of the channel's own (subscriber, queue), watched for errors and closed on stop. */
  connectRedis(purpose: string, options: RedisOptions): Redis;
  /** The process's Redis error log, rate-limited. */
  onRedisError(source: string, err: Error): void;
  /** Runs on stop, before the connections opened earlier close. */
  onStop(fn: () => Promise<void> | void): void;
  /** The greeting an account's customers see first, as the bot's settings say now (src/settings/); none = the channel's own. */
  greeting(channel: string, account: string): string | undefined;
}

/** A built channel, with what the rest of the process needs to know of it. */
export interface BuiltChannel {
  channel: Channel;
  /** Queues of its own, shown on the admin queue board. */
  queues?: Queue[];
  /** Background work the worker roles run (syncs, sweeps); returns its stop, once started. */
  startBackgroundWork?(): BackgroundStop | Promise<BackgroundStop>;
}

type BackgroundStop = () => Promise<void> | void;

/** How a channel starts from its accounts (never empty) and its own environment variables. */
export interface ChannelBuilder<Account, Env> {
  /** Refuses a configuration this role cannot run safely, before any connection is opened. */
  checkBeforeStart?(accounts: Account[], context: { role: Role; production: boolean }): void;
  build(accounts: Account[], env: Env, deps: ChannelBuildDeps): BuiltChannel;
}
