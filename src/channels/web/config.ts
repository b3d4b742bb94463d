import { z } from 'zod';
import { emptyAsUndefined, onOff, optionalString, positiveInt } from '../../config/env-values.ts';
import { ConfigError } from '../../errors.ts';
import { accountName, type ChannelConfig } from '../channel-config.ts';
import { webBudgetAccountShape, webBudgetDefaults, webBudgetEnvShape } from './budgets-config.ts';
import { webAdminFacts } from './admin-facts.ts';

/** A web chat widget: embedded on a company's site with its public id. Limits default to the WEB_CHAT_* values. */
const webAccountSchema = z.object({
  name: accountName,
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
  /** How the widget looks: its colour and header title and subtitle (sent with the session; the console's 渠道 page previews them). */
  appearance: z
    .object({
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #c2410c'),
      title: z.string().min(1).max(30),
      subtitle: z.string().max(60),
    })
    .partial()
    .optional(),
});
type WebAccountEntry = z.infer<typeof webAccountSchema>;
export type WebAccount = Required<Omit<WebAccountEntry, 'secret' | 'knowledgeBase' | 'appearance'>> & {
  secret?: string;
  knowledgeBase?: string;
  appearance?: WebAccountEntry['appearance'];
};

const webEnv = {
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
  /**
   * An event stream is ended after this long (± 20 %), and the widget reopens it with a new ticket:
   * the session and its revocation are checked again at least this often.
   */
  WEB_CHAT_STREAM_MAX_S: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(600)),
  /** Comma-separated origins allowed to embed the widget; empty = the service's own origin only. */
  WEB_CHAT_ALLOWED_ORIGINS: optionalString,
  WEB_CHAT_MAX_MESSAGE_CHARS: positiveInt(2000),
  WEB_CHAT_MAX_UPLOAD_BYTES: positiveInt(5 * 1024 * 1024),
  WEB_CHAT_VISITOR_MESSAGES_PER_MINUTE: positiveInt(20),
  WEB_CHAT_IP_REQUESTS_PER_MINUTE: positiveInt(600),
  ...webBudgetEnvShape,
  /** The knowledge base the `default` widget answers from; `default` when unset. */
  WEB_CHAT_KNOWLEDGE_BASE: optionalString,
};
export type WebEnv = z.infer<z.ZodObject<typeof webEnv>>;

const parseOrigins = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

function webAccounts(env: WebEnv, fileAccounts: WebAccountEntry[]): WebAccount[] {
  const withDefaults = (a: WebAccountEntry): WebAccount => ({
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

/** Web chat widgets: WEB_CHAT_* is the `default` one, CONFIG_FILE's `web` the others. */
export const webConfig: ChannelConfig<'web', typeof webEnv, WebAccount> = {
  key: 'web',
  env: webEnv,
  account: webAccountSchema,
  admin: webAdminFacts,
  accounts: (env, fromFile) => webAccounts(env, fromFile as WebAccountEntry[]),
};
