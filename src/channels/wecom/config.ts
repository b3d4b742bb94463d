import { z } from 'zod';
import { optionalString, emptyAsUndefined } from '../../config/env-values.ts';
import { ConfigError } from '../../errors.ts';
import { accountName, type ChannelConfig } from '../channel-config.ts';
import { wecomAdminFacts } from './admin-facts.ts';

/** A WeCom self-built app (企业微信自建应用) that kefu-hub answers for. */
const wecomAccountSchema = z.object({
  name: accountName,
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

const wecomEnv = {
  WECOM_CORP_ID: optionalString,
  WECOM_AGENT_ID: optionalString,
  WECOM_SECRET: optionalString,
  WECOM_TOKEN: optionalString,
  WECOM_ENCODING_AES_KEY: optionalString,
  WECOM_API_BASE: z.preprocess(emptyAsUndefined, z.string().url().default('https://qyapi.weixin.qq.com')),
};
type WecomEnv = z.infer<z.ZodObject<typeof wecomEnv>>;

function wecomFromEnv(env: WecomEnv): WecomAccount | undefined {
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

/** WeCom self-built apps: WECOM_* is the `default` one, CONFIG_FILE's `wecom` the others. */
export const wecomConfig: ChannelConfig<'wecom', typeof wecomEnv, WecomAccount> = {
  key: 'wecom',
  env: wecomEnv,
  account: wecomAccountSchema,
  admin: wecomAdminFacts,
  accounts(env, fromFile) {
    const envAccount = wecomFromEnv(env);
    const all = [...(envAccount ? [envAccount] : []), ...(fromFile as WecomAccount[])];
    const duplicate = all.find((a, i) => all.findIndex((b) => b.name === a.name) !== i);
    if (duplicate) throw new ConfigError(`wecom account "${duplicate.name}" is defined twice (the env-configured app is "default")`);
    return all;
  },
};
