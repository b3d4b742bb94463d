import { wecomAibotAdminFacts } from './admin-facts.ts';
import { z } from 'zod';
import { emptyAsUndefined, optionalString } from '../../config/env-values.ts';
import { ConfigError } from '../../errors.ts';
import { accountName, aesKey, type ChannelConfig, mergeAccounts } from '../channel-config.ts';

/**
 * A WeCom AI bot (智能机器人). `ws` (the default) holds the long connection and needs the bot's id and
 * secret (https://developer.work.weixin.qq.com/document/path/101463); `webhook` receives encrypted
 * callbacks at /callbacks/wecom-aibot/:account and needs the token and EncodingAESKey
 * (https://developer.work.weixin.qq.com/document/path/100719).
 */
const wecomAibotAccountSchema = z
  .object({
    name: accountName,
    mode: z.enum(['ws', 'webhook']).default('ws'),
    botId: z.string().min(1).optional(),
    secret: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    encodingAesKey: aesKey.optional(),
    wsUrl: z.string().url().default('wss://openws.work.weixin.qq.com'),
    /** Answered to enter_chat (a user opens the single chat); unset = no welcome. */
    welcomeText: z.string().min(1).optional(),
    /** The knowledge base this bot answers from; `default` when unset. */
    knowledgeBase: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    const needs = a.mode === 'ws' ? (['botId', 'secret'] as const) : (['token', 'encodingAesKey'] as const);
    for (const key of needs) if (!a[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required in ${a.mode} mode` });
  });
export type WecomAibotAccount = z.infer<typeof wecomAibotAccountSchema>;

const wecomAibotEnv = {
  WECOM_AIBOT_ID: optionalString,
  WECOM_AIBOT_SECRET: optionalString,
  WECOM_AIBOT_TOKEN: optionalString,
  WECOM_AIBOT_ENCODING_AES_KEY: optionalString,
  WECOM_AIBOT_MODE: z.preprocess(emptyAsUndefined, z.enum(['ws', 'webhook']).optional()),
  WECOM_AIBOT_WS_URL: optionalString,
  WECOM_AIBOT_WELCOME_TEXT: optionalString,
};
type WecomAibotEnv = z.infer<z.ZodObject<typeof wecomAibotEnv>>;

const variableOf: Record<string, string> = {
  botId: 'WECOM_AIBOT_ID',
  secret: 'WECOM_AIBOT_SECRET',
  token: 'WECOM_AIBOT_TOKEN',
  encodingAesKey: 'WECOM_AIBOT_ENCODING_AES_KEY',
  wsUrl: 'WECOM_AIBOT_WS_URL',
};

/** The `default` bot from WECOM_AIBOT_*: which variables it needs depends on its mode. */
function wecomAibotFromEnv(env: WecomAibotEnv): WecomAibotAccount | undefined {
  const credentials = [env.WECOM_AIBOT_ID, env.WECOM_AIBOT_SECRET, env.WECOM_AIBOT_TOKEN, env.WECOM_AIBOT_ENCODING_AES_KEY];
  if (credentials.every((v) => v === undefined)) return undefined; // channel off
  const parsed = wecomAibotAccountSchema.safeParse({
    name: 'default',
    mode: env.WECOM_AIBOT_MODE,
    botId: env.WECOM_AIBOT_ID,
    secret: env.WECOM_AIBOT_SECRET,
    token: env.WECOM_AIBOT_TOKEN,
    encodingAesKey: env.WECOM_AIBOT_ENCODING_AES_KEY,
    wsUrl: env.WECOM_AIBOT_WS_URL,
    welcomeText: env.WECOM_AIBOT_WELCOME_TEXT,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    throw new ConfigError(`WeCom AI bot: ${variableOf[key] ?? key}: ${issue.message} (WECOM_AIBOT_MODE=${env.WECOM_AIBOT_MODE ?? 'ws'})`);
  }
  return parsed.data;
}

/** WeCom AI bots: WECOM_AIBOT_* is the `default` one, CONFIG_FILE's `wecomAibot` the others. */
export const wecomAibotConfig: ChannelConfig<'wecomAibot', typeof wecomAibotEnv, WecomAibotAccount> = {
  key: 'wecomAibot',
  env: wecomAibotEnv,
  account: wecomAibotAccountSchema,
  accounts: (env, fromFile) => mergeAccounts('wecomAibot', wecomAibotFromEnv(env), fromFile as WecomAibotAccount[]),
  admin: wecomAibotAdminFacts,
};
