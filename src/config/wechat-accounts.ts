import { z } from 'zod';
import { ConfigError } from '../errors.ts';

/**
 * Account settings of the two WeChat-family channels that reach personal WeChat users: Official
 * Accounts (公众号, `wechatMp`) and WeCom Customer Service (微信客服, `wecomKf`). The `default`
 * account of each comes from the environment, more from CONFIG_FILE, as for the WeCom app.
 */
const accountName = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'account names are lowercase letters, digits, - and _');
const aesKey = z.string().length(43, 'EncodingAESKey is 43 characters');

export const wechatMpAccountSchema = z.object({
  name: accountName,
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  token: z.string().min(1),
  /** Unset = plain mode (明文模式); set = compatible or safe mode, and Encrypt is then required. */
  encodingAesKey: aesKey.optional(),
  apiBase: z.string().url().default('https://api.weixin.qq.com'),
  /** Sent through custom/send when someone follows the account; unset = no welcome. */
  welcomeText: z.string().min(1).optional(),
  /** The knowledge base this account answers from (`npm run kb -- import … --kb <name>`); `default` when unset. */
  knowledgeBase: z.string().min(1).optional(),
});
export type WechatMpAccount = z.infer<typeof wechatMpAccountSchema>;

export const wecomKfAccountSchema = z.object({
  name: accountName,
  corpId: z.string().min(1),
  /** The secret of the app configured under 微信客服 → 可调用接口的应用 (or the kf secret). */
  secret: z.string().min(1),
  token: z.string().min(1),
  encodingAesKey: aesKey,
  apiBase: z.string().url().default('https://qyapi.weixin.qq.com'),
  /** Sent with send_msg_on_event when a customer enters a session; unset = no welcome. */
  welcomeText: z.string().min(1).optional(),
  /** On handoff, the session goes to this servicer (service_state 3); unset = WeCom's queue (2). */
  servicerUserId: z.string().min(1).optional(),
  /** The knowledge base this account answers from (`npm run kb -- import … --kb <name>`); `default` when unset. */
  knowledgeBase: z.string().min(1).optional(),
});
export type WecomKfAccount = z.infer<typeof wecomKfAccountSchema>;

type EnvLike = Record<string, unknown>;

/** Builds the `default` account from env vars: all required ones or none (channel off). */
function accountFromEnv<T>(
  label: string,
  schema: z.ZodType<T>,
  env: EnvLike,
  required: Record<string, string>,
  optional: Record<string, string>,
): T | undefined {
  const set = Object.keys(required).filter((v) => env[v] !== undefined);
  if (set.length === 0) return undefined;
  const missing = Object.keys(required).filter((v) => env[v] === undefined);
  if (missing.length > 0)
    throw new ConfigError(`${label} is half configured: set ${missing.join(', ')} (or unset them all to turn it off)`);
  const raw: Record<string, unknown> = { name: 'default' };
  for (const [v, key] of Object.entries({ ...required, ...optional })) if (env[v] !== undefined) raw[key] = env[v];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const variable = Object.entries({ ...required, ...optional }).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(`${variable}: ${issue.message}`);
  }
  return parsed.data;
}

export function wechatMpFromEnv(env: EnvLike): WechatMpAccount | undefined {
  return accountFromEnv(
    'Official Account',
    wechatMpAccountSchema,
    env,
    { WECHAT_MP_APP_ID: 'appId', WECHAT_MP_APP_SECRET: 'appSecret', WECHAT_MP_TOKEN: 'token' },
    { WECHAT_MP_ENCODING_AES_KEY: 'encodingAesKey', WECHAT_MP_API_BASE: 'apiBase', WECHAT_MP_WELCOME_TEXT: 'welcomeText' },
  );
}

export function wecomKfFromEnv(env: EnvLike): WecomKfAccount | undefined {
  return accountFromEnv(
    'WeCom Customer Service',
    wecomKfAccountSchema,
    env,
    { WECOM_KF_CORP_ID: 'corpId', WECOM_KF_SECRET: 'secret', WECOM_KF_TOKEN: 'token', WECOM_KF_ENCODING_AES_KEY: 'encodingAesKey' },
    { WECOM_KF_API_BASE: 'apiBase', WECOM_KF_WELCOME_TEXT: 'welcomeText', WECOM_KF_SERVICER_USERID: 'servicerUserId' },
  );
}

/**
 * Plain mode (明文模式) signs only [token, timestamp, nonce], never the body
 * (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html): a
 * query string seen once, in a proxy log say, carries any forged message for the replay window.
 * Production refuses it unless the operator accepts that with WECHAT_MP_ALLOW_PLAIN=1.
 */
export function refusePlainModeAccounts(accounts: WechatMpAccount[], allowPlain: boolean): void {
  const plain = accounts.find((a) => !a.encodingAesKey);
  if (!plain || allowPlain) return;
  const fix = plain.name === 'default' ? 'set WECHAT_MP_ENCODING_AES_KEY' : `set its encodingAesKey in CONFIG_FILE`;
  throw new ConfigError(
    `Official Account "${plain.name}" is in plain mode (明文模式), where nothing signs the message body: ${fix} and choose safe mode (安全模式) in the console, or set WECHAT_MP_ALLOW_PLAIN=1 to accept the risk`,
  );
}

/** The env account first, then the file's; names must be unique per channel. */
export function mergeAccounts<T extends { name: string }>(label: string, fromEnv: T | undefined, fromFile: T[]): T[] {
  const all = [...(fromEnv ? [fromEnv] : []), ...fromFile];
  const duplicate = all.find((a, i) => all.findIndex((b) => b.name === a.name) !== i);
  if (duplicate) throw new ConfigError(`${label} account "${duplicate.name}" is defined twice (the env-configured one is "default")`);
  return all;
}
