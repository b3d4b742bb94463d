import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelSettings } from '../brain/model/model-settings.ts';
import { ConfigError } from '../errors.ts';
import { type DemoSettings, demoSettings } from './demo.ts';
import { type MetricsExposure, metricsExposure } from './metrics-exposure.ts';
import {
  mergeAccounts,
  refusePlainModeAccounts,
  wechatMpAccountSchema,
  wechatMpFromEnv,
  wecomKfAccountSchema,
  wecomKfFromEnv,
  type WechatMpAccount,
  type WecomKfAccount,
} from './wechat-accounts.ts';
import { webBudgetAccountShape, webBudgetDefaults, webBudgetEnvShape } from './web-budgets.ts';

/**
 * The public configuration contract. Variable names are relied on by operators and scripts:
 * add new ones, never rename. docs/configuration.md lists every variable.
 */
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));
const nonNegativeInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(fallback));
const onOff = <F extends boolean | undefined>(fallback: F) =>
  z
    .preprocess(emptyAsUndefined, z.enum(['true', 'false', '1', '0', 'on', 'off']).optional())
    .transform((v): boolean | F => (v === undefined ? fallback : ['true', '1', 'on'].includes(v)));

const envSchema = z.object({
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

  WECOM_CORP_ID: optionalString,
  WECOM_AGENT_ID: optionalString,
  WECOM_SECRET: optionalString,
  WECOM_TOKEN: optionalString,
  WECOM_ENCODING_AES_KEY: optionalString,
  WECOM_API_BASE: z.preprocess(emptyAsUndefined, z.string().url().default('https://qyapi.weixin.qq.com')),

  WECHAT_MP_APP_ID: optionalString,
  WECHAT_MP_APP_SECRET: optionalString,
  WECHAT_MP_TOKEN: optionalString,
  WECHAT_MP_ENCODING_AES_KEY: optionalString,
  WECHAT_MP_API_BASE: z.preprocess(emptyAsUndefined, z.string().url().default('https://api.weixin.qq.com')),
  WECHAT_MP_WELCOME_TEXT: optionalString,
  /** Accepts plain-mode Official Accounts in production (src/config/wechat-accounts.ts says why not). */
  WECHAT_MP_ALLOW_PLAIN: onOff(false),

  WECOM_KF_CORP_ID: optionalString,
  WECOM_KF_SECRET: optionalString,
  WECOM_KF_TOKEN: optionalString,
  WECOM_KF_ENCODING_AES_KEY: optionalString,
  WECOM_KF_API_BASE: z.preprocess(emptyAsUndefined, z.string().url().default('https://qyapi.weixin.qq.com')),
  WECOM_KF_WELCOME_TEXT: optionalString,
  WECOM_KF_SERVICER_USERID: optionalString,

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
  /** The web chat widget's `default` account: on unless turned off, so `npm start` shows the demo. */
  WEB_CHAT_ENABLED: onOff(true),
  WEB_CHAT_PUBLIC_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only')
      .default('demo'),
  ),
  /** The widget's keys are derived from it (widget-keys.ts); generated under DATA_DIR when unset (`npm start` only). */
  WEB_CHAT_SECRET: optionalString.pipe(z.string().min(32, 'at least 32 characters (openssl rand -base64 32)').optional()),
  /** How long a widget session token lives; the widget renews it before then. */
  WEB_SESSION_TTL_S: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(300).max(86_400).default(3600)),
  /** Comma-separated origins allowed to embed the widget; empty = the service's own origin only. */
  WEB_CHAT_ALLOWED_ORIGINS: optionalString,
  WEB_CHAT_MAX_MESSAGE_CHARS: positiveInt(2000),
  WEB_CHAT_MAX_UPLOAD_BYTES: positiveInt(5 * 1024 * 1024),
  WEB_CHAT_VISITOR_MESSAGES_PER_MINUTE: positiveInt(20),
  WEB_CHAT_IP_REQUESTS_PER_MINUTE: positiveInt(600),
  ...webBudgetEnvShape,
  /** The knowledge base the `default` widget answers from; `default` when unset. */
  WEB_CHAT_KNOWLEDGE_BASE: optionalString,
  /** GET / serves the demo store page with the widget; unset = as DEMO. */
  WEB_CHAT_DEMO_PAGE: onOff(undefined),
  /** retrieval.json, handoff.json, smalltalk.json, persona.json and the lexicon files. */
  BRAIN_CONFIG_DIR: z.preprocess(emptyAsUndefined, z.string().default('config/brain')),
  PROMPTS_DIR: z.preprocess(emptyAsUndefined, z.string().default('config/prompts')),
  /** Imported into the `default` knowledge base on start when it is empty; `none` = never; unset = as DEMO. */
  KB_DEMO_FILE: optionalString,
  /** Any OpenAI-compatible chat endpoint; unset LLM_BASE_URL and LLM_MODEL = offline mode. */
  LLM_BASE_URL: optionalString.pipe(z.string().url('must be an http(s):// URL').optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_MS: positiveInt(30_000),
  LLM_MAX_RETRIES: nonNegativeInt(2),
  LLM_MAX_CONCURRENCY: positiveInt(16),
  LLM_TEMPERATURE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(2).default(0.2)),
  LLM_STRUCTURED_OUTPUT: z.preprocess(emptyAsUndefined, z.enum(['functionCalling', 'jsonMode', 'jsonSchema']).default('functionCalling')),
  /** Tokens of recent turns quoted verbatim to the model, and of the rolling summary of older ones. */
  MEMORY_RECENT_TOKENS: positiveInt(600),
  MEMORY_SUMMARY_TOKENS: positiveInt(300),
  /** Any OpenAI-compatible embeddings endpoint; unset = lexical retrieval only. */
  EMBEDDING_BASE_URL: optionalString.pipe(z.string().url('must be an http(s):// URL').optional()),
  EMBEDDING_API_KEY: optionalString,
  EMBEDDING_MODEL: optionalString,
  /** Told to a customer who writes while waiting for a person, at most once per HOLD_NOTICE_INTERVAL_MS (0 = never). */
  HOLD_NOTICE_TEXT: z.preprocess(emptyAsUndefined, z.string().default('已收到您的消息，人工客服会尽快回复您，请稍候。')),
  HOLD_NOTICE_INTERVAL_MS: nonNegativeInt(10 * 60_000),
  FALLBACK_TEXT: z.preprocess(emptyAsUndefined, z.string().default('这个问题我需要请同事确认一下，稍后会有人工客服联系您，请稍候。')),
});

export type Env = z.infer<typeof envSchema>;

/** A WeCom self-built app (企业微信自建应用) that kefu-hub answers for. */
const wecomAccountSchema = z.object({
  name: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'account names are lowercase letters, digits, - and _'),
  corpId: z.string().min(1),
  agentId: z.coerce.number().int(),
  secret: z.string().min(1),
  token: z.string().min(1),
  encodingAesKey: z.string().length(43, 'EncodingAESKey is 43 characters'),
  apiBase: z.string().url().default('https://qyapi.weixin.qq.com'),
  /** The knowledge base this app answers from (`npm run kb -- import … --kb <name>`); `default` when unset. */
  knowledgeBase: z.string().min(1).optional(),
});
export type WecomAccount = z.infer<typeof wecomAccountSchema>;

/** A web chat widget: embedded on a company's site with its public id. Limits default to the WEB_CHAT_* values. */
const webAccountSchema = z.object({
  name: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'account names are lowercase letters, digits, - and _'),
  publicId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only'),
  secret: z.string().min(32, 'at least 32 characters (openssl rand -base64 32)').optional(),
  allowedOrigins: z.array(z.string()).default([]),
  maxMessageChars: z.number().int().positive().optional(),
  maxUploadBytes: z.number().int().positive().optional(),
  visitorMessagesPerMinute: z.number().int().positive().optional(),
  ipRequestsPerMinute: z.number().int().positive().optional(),
  ...webBudgetAccountShape,
  /** The knowledge base this widget answers from (`npm run kb -- import … --kb <name>`); `default` when unset. */
  knowledgeBase: z.string().min(1).optional(),
});
export type WebAccount = Required<Omit<z.infer<typeof webAccountSchema>, 'secret' | 'knowledgeBase'>> & {
  secret?: string;
  knowledgeBase?: string;
};

/** The optional CONFIG_FILE: several accounts per channel; the env-configured one is `default`. */
const configFileSchema = z.object({
  wecom: z.array(wecomAccountSchema).default([]),
  wechatMp: z.array(wechatMpAccountSchema).default([]),
  wecomKf: z.array(wecomKfAccountSchema).default([]),
  web: z.array(webAccountSchema).default([]),
});

/** The chat model (LLM_*), when configured: exactly what the model brain needs. */
export type ModelConfig = ModelSettings;

/** The embeddings endpoint (EMBEDDING_*), when configured. */
export interface EmbeddingConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface Config {
  env: Env;
  /** NODE_ENV=production. */
  production: boolean;
  demo: DemoSettings;
  metrics: MetricsExposure;
  model?: ModelConfig;
  embeddings?: EmbeddingConfig;
  /** True when DATABASE_URL is unset: the database is PGlite inside this process. */
  embeddedDatabase: boolean;
  /** True when REDIS_URL is unset: a private redis-server may be started under DATA_DIR. */
  defaultRedis: boolean;
  redisUrl: string;
  accounts: { wecom: WecomAccount[]; wechatMp: WechatMpAccount[]; wecomKf: WecomKfAccount[]; web: WebAccount[] };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.') || '(root)';
  return `${path}: ${issue.message}`;
}

function wecomFromEnv(env: Env): WecomAccount | undefined {
  const vars = {
    WECOM_CORP_ID: env.WECOM_CORP_ID,
    WECOM_AGENT_ID: env.WECOM_AGENT_ID,
    WECOM_SECRET: env.WECOM_SECRET,
    WECOM_TOKEN: env.WECOM_TOKEN,
    WECOM_ENCODING_AES_KEY: env.WECOM_ENCODING_AES_KEY,
  };
  const set = Object.entries(vars).filter(([, v]) => v !== undefined);
  if (set.length === 0) return undefined; // channel off
  const missing = Object.entries(vars)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0)
    throw new ConfigError(`WeCom app is half configured: set ${missing.join(', ')} (or unset all WECOM_* to turn it off)`);
  const parsed = wecomAccountSchema.safeParse({
    name: 'default',
    corpId: env.WECOM_CORP_ID,
    agentId: env.WECOM_AGENT_ID,
    secret: env.WECOM_SECRET,
    token: env.WECOM_TOKEN,
    encodingAesKey: env.WECOM_ENCODING_AES_KEY,
    apiBase: env.WECOM_API_BASE,
  });
  if (!parsed.success) {
    const names: Record<string, string> = { agentId: 'WECOM_AGENT_ID', encodingAesKey: 'WECOM_ENCODING_AES_KEY', corpId: 'WECOM_CORP_ID' };
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    throw new ConfigError(`${names[key] ?? key}: ${issue.message}`);
  }
  return parsed.data;
}

const parseOrigins = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

function webAccounts(env: Env, fileAccounts: Array<z.infer<typeof webAccountSchema>>): WebAccount[] {
  const withDefaults = (a: z.infer<typeof webAccountSchema>): WebAccount => ({
    maxMessageChars: env.WEB_CHAT_MAX_MESSAGE_CHARS,
    maxUploadBytes: env.WEB_CHAT_MAX_UPLOAD_BYTES,
    visitorMessagesPerMinute: env.WEB_CHAT_VISITOR_MESSAGES_PER_MINUTE,
    ipRequestsPerMinute: env.WEB_CHAT_IP_REQUESTS_PER_MINUTE,
    ...webBudgetDefaults(env),
    ...a,
    secret: a.secret ?? env.WEB_CHAT_SECRET,
  });
  const envAccount = {
    name: 'default',
    publicId: env.WEB_CHAT_PUBLIC_ID,
    allowedOrigins: parseOrigins(env.WEB_CHAT_ALLOWED_ORIGINS),
    ...(env.WEB_CHAT_KNOWLEDGE_BASE && { knowledgeBase: env.WEB_CHAT_KNOWLEDGE_BASE }),
  };
  const fromEnv = env.WEB_CHAT_ENABLED ? [withDefaults(envAccount)] : [];
  const all = [...fromEnv, ...fileAccounts.map(withDefaults)];
  for (const [i, a] of all.entries()) {
    if (all.findIndex((b) => b.name === a.name) !== i) {
      throw new ConfigError(`web account "${a.name}" is defined twice (the env-configured widget is "default")`);
    }
    if (all.findIndex((b) => b.publicId === a.publicId) !== i) throw new ConfigError(`web account public id "${a.publicId}" is used twice`);
    for (const origin of a.allowedOrigins) {
      if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
        const where = a.name === 'default' ? 'WEB_CHAT_ALLOWED_ORIGINS' : `web account "${a.name}"`;
        throw new ConfigError(`${where}: "${origin}" is not an origin like https://shop.example.com`);
      }
    }
  }
  return all;
}

/** Local servers (Ollama, vLLM) take any key, but the client refuses an empty one. */
const NO_API_KEY = 'not-needed';

function modelFromEnv(env: Env): ModelConfig | undefined {
  if (env.LLM_BASE_URL === undefined && env.LLM_MODEL === undefined) return undefined;
  if (env.LLM_BASE_URL === undefined || env.LLM_MODEL === undefined) {
    throw new ConfigError(
      `${env.LLM_BASE_URL === undefined ? 'LLM_BASE_URL' : 'LLM_MODEL'}: required when ${env.LLM_BASE_URL === undefined ? 'LLM_MODEL' : 'LLM_BASE_URL'} is set (unset both for offline mode)`,
    );
  }
  return {
    baseUrl: env.LLM_BASE_URL,
    apiKey: env.LLM_API_KEY ?? NO_API_KEY,
    model: env.LLM_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
    maxConcurrency: env.LLM_MAX_CONCURRENCY,
    temperature: env.LLM_TEMPERATURE,
    structuredOutput: env.LLM_STRUCTURED_OUTPUT,
  };
}

function embeddingsFromEnv(env: Env): EmbeddingConfig | undefined {
  if (env.EMBEDDING_BASE_URL === undefined && env.EMBEDDING_MODEL === undefined) return undefined;
  if (env.EMBEDDING_BASE_URL === undefined || env.EMBEDDING_MODEL === undefined) {
    throw new ConfigError(
      `${env.EMBEDDING_BASE_URL === undefined ? 'EMBEDDING_BASE_URL' : 'EMBEDDING_MODEL'}: required when the other EMBEDDING_* variables are set`,
    );
  }
  return {
    baseUrl: env.EMBEDDING_BASE_URL,
    apiKey: env.EMBEDDING_API_KEY ?? NO_API_KEY,
    model: env.EMBEDDING_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
  };
}

function readConfigFile(path: string): z.infer<typeof configFileSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE ${path}: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`CONFIG_FILE ${path}: ${describeIssue(parsed.error.issues[0]!)}`);
  return parsed.data;
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

/** Loads and validates the configuration; throws ConfigError with one line naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withRenamedVariables(source));
  if (!parsed.success) throw new ConfigError(describeIssue(parsed.error.issues[0]!));
  const env = parsed.data;
  const file = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : { wecom: [], wechatMp: [], wecomKf: [], web: [] };
  const envWecom = wecomFromEnv(env);
  const wecom = [...(envWecom ? [envWecom] : []), ...file.wecom];
  if ((env.ADMIN_USER === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      `admin login is half configured: set both ADMIN_USER and ADMIN_PASSWORD (or neither to turn the admin pages off)`,
    );
  }
  const duplicate = wecom.find((a, i) => wecom.findIndex((b) => b.name === a.name) !== i);
  if (duplicate) throw new ConfigError(`wecom account "${duplicate.name}" is defined twice (the env-configured app is "default")`);
  const model = modelFromEnv(env);
  const embeddings = embeddingsFromEnv(env);
  const production = env.NODE_ENV === 'production';
  const wechatMp = mergeAccounts('wechatMp', wechatMpFromEnv(env), file.wechatMp);
  if (production) refusePlainModeAccounts(wechatMp, env.WECHAT_MP_ALLOW_PLAIN);
  return {
    env,
    production,
    demo: demoSettings(env, production),
    metrics: metricsExposure(env, production),
    ...(model && { model }),
    ...(embeddings && { embeddings }),
    embeddedDatabase: env.DATABASE_URL === undefined,
    defaultRedis: env.REDIS_URL === undefined,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    accounts: {
      wecom,
      wechatMp,
      wecomKf: mergeAccounts('wecomKf', wecomKfFromEnv(env), file.wecomKf),
      web: webAccounts(env, file.web),
    },
  };
}
