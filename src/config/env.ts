import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { type AgentNotifySettings, agentNotifyEnvShape, agentNotifySettings } from './agent-notify.ts';
import { type DemoSettings, demoSettings } from './demo.ts';
import { type MetricsExposure, metricsExposure } from './metrics-exposure.ts';
import {
  type EmbeddingConfig,
  embeddingEnvShape,
  embeddingsFromEnv,
  type ModelConfig,
  modelEnvShape,
  modelFromEnv,
} from './model-endpoints.ts';
import { channelConfigs } from '../channels/channel-configs.ts';
import { type SecretsKeyring, secretsKeyring } from '../secrets/secrets-keyring.ts';
import { emptyAsUndefined, nonNegativeInt, onOff, optionalString, positiveInt } from './env-values.ts';

/**
 * The public configuration contract. Variable names are relied on by operators and scripts:
 * add new ones, never rename. docs/configuration.md lists every variable.
 */

const serviceEnvSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  /** `production` makes shared secrets required, turns the demo off, keeps /metrics off the public port and refuses plain-mode Official Accounts. */
  NODE_ENV: optionalString,
  /** The demo page, knowledge base and persona (src/config/demo.ts); unset = on unless production. */
  DEMO: onOff(undefined),
  /** /metrics on a listener of its own (on HOST), and/or only for `Authorization: Bearer METRICS_TOKEN`. */
  METRICS_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  /** Reverse proxies in front of the API that append to X-Forwarded-For; 0 = trust none. */
  TRUSTED_PROXY_HOPS: nonNegativeInt(0),
  REDIS_URL: optionalString.pipe(z.string().url('must be a redis:// URL').optional()),
  /** Prefix of every Redis key and queue: several deployments (or test runs) can share one Redis. */
  REDIS_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
      .default('kefu'),
  ),
  DATABASE_URL: optionalString.pipe(z.string().url('must be a postgres:// URL').optional()),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  CONFIG_FILE: optionalString,

  CALLBACK_REPLAY_WINDOW_S: positiveInt(300),
  CALLBACK_MAX_BODY_BYTES: positiveInt(64 * 1024),
  WORKER_CONCURRENCY: positiveInt(50),
  COALESCE_WINDOW_MS: nonNegativeInt(1200),
  JOB_ATTEMPTS: positiveInt(8),
  JOB_BACKOFF_MS: positiveInt(1000),
  /** How long a worker may go silent before its jobs are taken back and rerun (kill -9 recovery time). */
  JOB_LOCK_MS: positiveInt(30_000),
  /** SIGTERM's deadline: drain, close, exit (src/shutdown.ts). SHUTDOWN_GRACE_MS is its old name. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(20_000),
  /** HTTP Basic login of the admin pages (Bull Board at /admin/queues); both unset = pages off. */
  ADMIN_USER: optionalString,
  ADMIN_PASSWORD: optionalString,
  /** Console sessions end after this long unused (sliding), and in any case CONSOLE_SESSION_MAX_S after login. */
  CONSOLE_SESSION_IDLE_S: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(300)
      .default(8 * 3600),
  ),
  CONSOLE_SESSION_MAX_S: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(300)
      .default(7 * 86_400),
  ),
  /** The console's event stream sends a `: ping` this often and checks the caller is still signed in. */
  CONSOLE_EVENTS_HEARTBEAT_MS: positiveInt(25_000),
  /** Round-robin gives an agent no more open conversations than this, unless their team sets its own cap. */
  AGENT_MAX_OPEN_CONVERSATIONS: positiveInt(8),
  /** GET / serves the demo store page with the widget; unset = as DEMO. */
  WEB_CHAT_DEMO_PAGE: onOff(undefined),
  /** retrieval.json, handoff.json, smalltalk.json, persona.json and the lexicon files. */
  BRAIN_CONFIG_DIR: z.preprocess(emptyAsUndefined, z.string().default('config/brain')),
  PROMPTS_DIR: z.preprocess(emptyAsUndefined, z.string().default('config/prompts')),
  /** Imported into the `default` knowledge base on start when it is empty; `none` = never; unset = as DEMO. */
  KB_DEMO_FILE: optionalString,
  ...modelEnvShape,
  /** Tokens of recent turns quoted verbatim to the model, and of the rolling summary of older ones. */
  MEMORY_RECENT_TOKENS: positiveInt(600),
  MEMORY_SUMMARY_TOKENS: positiveInt(300),
  ...embeddingEnvShape,
  /**
   * Told to a customer who writes while waiting for a person, at most once per HOLD_NOTICE_INTERVAL_MS
   * (0 = never). The defaults of 机器人设置 → 等待提示: a notice saved there is used instead.
   */
  HOLD_NOTICE_TEXT: z.preprocess(emptyAsUndefined, z.string().default('已收到您的消息，人工客服会尽快回复您，请稍候。')),
  HOLD_NOTICE_INTERVAL_MS: nonNegativeInt(10 * 60_000),
  FALLBACK_TEXT: z.preprocess(emptyAsUndefined, z.string().default('这个问题我需要请同事确认一下，稍后会有人工客服联系您，请稍候。')),
  ...agentNotifyEnvShape,
  /**
   * Encrypts the secrets of channel accounts added in the console (32 random bytes, base64 or hex);
   * SECRETS_KEY_PREVIOUS opens what the old key sealed while `npm run secrets -- rotate` re-wraps it.
   */
  SECRETS_KEY: optionalString,
  SECRETS_KEY_PREVIOUS: optionalString,
});

/** The service's own variables, then each channel's (src/channels/channel-configs.ts). */
type ChannelConfigs = (typeof channelConfigs)[number];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type ChannelEnvShape = UnionToIntersection<ChannelConfigs['env']>;
const channelEnvShape = Object.assign({}, ...channelConfigs.map((c) => c.env)) as ChannelEnvShape;
const envSchema = serviceEnvSchema.extend(channelEnvShape);

export type Env = z.infer<typeof envSchema>;

/** A channel's account loader, seen from here: each reads only its own variables of `env`. */
type AnyAccounts = (env: Env, fromFile: unknown[], context: { production: boolean }) => unknown[];

/** Each channel's accounts, by its CONFIG_FILE key. */
export type ChannelAccounts = {
  [C in ChannelConfigs as C['key']]: ReturnType<C['accounts']>;
};

/** The optional CONFIG_FILE: several accounts per channel; the env-configured one is `default`. */
const configFileSchema = z.object(Object.fromEntries(channelConfigs.map((c) => [c.key, z.array(c.account).default([])])));

export interface Config {
  env: Env;
  /** NODE_ENV=production. */
  production: boolean;
  demo: DemoSettings;
  metrics: MetricsExposure;
  model?: ModelConfig;
  /** WeCom notices to on-duty agents (AGENT_NOTIFY_WECOM); unset = off. */
  agentNotify?: AgentNotifySettings;
  embeddings?: EmbeddingConfig;
  /** True when DATABASE_URL is unset: the database is PGlite inside this process. */
  embeddedDatabase: boolean;
  /** True when REDIS_URL is unset: a private redis-server may be started under DATA_DIR. */
  defaultRedis: boolean;
  redisUrl: string;
  accounts: ChannelAccounts;
  /** CONFIG_FILE's accounts as checked, by channel key (src/composition/add-stored-accounts.ts adds the console's to them). */
  configFile: Record<string, unknown[]>;
  /** SECRETS_KEY and SECRETS_KEY_PREVIOUS, checked; unset = no channel accounts nor a model API key can be saved in the console. */
  secretsKeyring?: SecretsKeyring;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.') || '(root)';
  return `${path}: ${issue.message}`;
}

function readConfigFile(path: string): Record<string, unknown[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE ${path}: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`CONFIG_FILE ${path}: ${describeIssue(parsed.error.issues[0]!)}`);
  return parsed.data as Record<string, unknown[]>;
}

/** Variables that were renamed: the old name still works when the new one is unset. */
const RENAMED = { SHUTDOWN_GRACE_MS: 'SHUTDOWN_TIMEOUT_MS' } as const;

function withRenamedVariables(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...source };
  for (const [old, current] of Object.entries(RENAMED)) {
    if (emptyAsUndefined(env[current]) === undefined && env[old] !== undefined) env[current] = env[old];
  }
  return env;
}

/** Each channel's accounts: its environment's `default`, then the listed ones (CONFIG_FILE's, the console's). */
function channelAccountsOf(env: Env, listed: Record<string, unknown[]>, production: boolean): ChannelAccounts {
  return Object.fromEntries(
    channelConfigs.map((c) => [c.key, (c.accounts as AnyAccounts)(env, listed[c.key] ?? [], { production })]),
  ) as ChannelAccounts;
}

/**
 * The accounts with those added in the console after CONFIG_FILE's, checked by the same rules
 * (names unique per channel, the widget's defaults filled in).
 */
export function withStoredAccounts(
  config: Config,
  stored: ReadonlyArray<{ channel: string; account: Record<string, unknown> }>,
): ChannelAccounts {
  const listed: Record<string, unknown[]> = {};
  for (const c of channelConfigs)
    listed[c.key] = [...(config.configFile[c.key] ?? []), ...stored.filter((s) => s.channel === c.key).map((s) => s.account)];
  return channelAccountsOf(config.env, listed, config.production);
}

/** Loads and validates the configuration; throws ConfigError with one line naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withRenamedVariables(source));
  if (!parsed.success) throw new ConfigError(describeIssue(parsed.error.issues[0]!));
  const env = parsed.data;
  const file = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  if ((env.ADMIN_USER === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      `admin login is half configured: set both ADMIN_USER and ADMIN_PASSWORD (or neither to turn the admin pages off)`,
    );
  }
  const model = modelFromEnv(env);
  const embeddings = embeddingsFromEnv(env);
  const production = env.NODE_ENV === 'production';
  const keyring = secretsKeyring(env);
  const accounts = channelAccountsOf(env, file, production);
  const agentNotify = agentNotifySettings(
    env,
    accounts.wecom.map((a) => a.name),
  );
  return {
    env,
    production,
    demo: demoSettings(env, production),
    metrics: metricsExposure(env, production),
    ...(model && { model }),
    ...(agentNotify && { agentNotify }),
    ...(embeddings && { embeddings }),
    ...(keyring && { secretsKeyring: keyring }),
    embeddedDatabase: env.DATABASE_URL === undefined,
    defaultRedis: env.REDIS_URL === undefined,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    accounts,
    configFile: file,
  };
}
