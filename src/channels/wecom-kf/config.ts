import { z } from 'zod';
import { emptyAsUndefined, optionalString } from '../../config/env-values.ts';
import { accountFromEnv, accountName, aesKey, type ChannelConfig, mergeAccounts } from '../channel-config.ts';
import { wecomKfAdminFacts } from './admin-facts.ts';

/** A WeCom Customer Service account (微信客服) that reaches personal WeChat users. */
const wecomKfAccountSchema = z.object({
  name: accountName,
  corpId: z.string().min(1),
  /** The secret of the app configured under 微信客服 → 可调用接口的应用 (or the kf secret). */
  secret: z.string().min(1),
  token: z.string().min(1),
  encodingAesKey: aesKey,
  apiBase: z.string().url().default('https://qyapi.weixin.qq.com'),
  /** Sent with send_msg_on_event when a customer enters a session; unset = no welcome. */
  welcomeText: z.string().min(1).optional(),
  /**
   * Opt-in "hand to the WeCom client" mode: at every handoff the session goes to this servicer
   * (service_state 3), who answers in WeCom. Unset (the default): the session stays in state 1 and
   * agents answer in our console.
   */
  servicerUserId: z.string().min(1).optional(),
  /** The knowledge base this account answers from (`npm run kb -- import … --kb <name>`); `default` when unset. */
  knowledgeBase: z.string().min(1).optional(),
});
export type WecomKfAccount = z.infer<typeof wecomKfAccountSchema>;

const wecomKfEnv = {
  WECOM_KF_CORP_ID: optionalString,
  WECOM_KF_SECRET: optionalString,
  WECOM_KF_TOKEN: optionalString,
  WECOM_KF_ENCODING_AES_KEY: optionalString,
  WECOM_KF_API_BASE: z.preprocess(emptyAsUndefined, z.string().url().default('https://qyapi.weixin.qq.com')),
  WECOM_KF_WELCOME_TEXT: optionalString,
  WECOM_KF_SERVICER_USERID: optionalString,
};

function wecomKfFromEnv(env: Record<string, unknown>): WecomKfAccount | undefined {
  return accountFromEnv(
    'WeCom Customer Service',
    wecomKfAccountSchema,
    env,
    { WECOM_KF_CORP_ID: 'corpId', WECOM_KF_SECRET: 'secret', WECOM_KF_TOKEN: 'token', WECOM_KF_ENCODING_AES_KEY: 'encodingAesKey' },
    { WECOM_KF_API_BASE: 'apiBase', WECOM_KF_WELCOME_TEXT: 'welcomeText', WECOM_KF_SERVICER_USERID: 'servicerUserId' },
  );
}

/** WeCom Customer Service: WECOM_KF_* is the `default` account, CONFIG_FILE's `wecomKf` the others. */
export const wecomKfConfig: ChannelConfig<'wecomKf', typeof wecomKfEnv, WecomKfAccount> = {
  key: 'wecomKf',
  env: wecomKfEnv,
  account: wecomKfAccountSchema,
  admin: wecomKfAdminFacts,
  accounts: (env, fromFile) => mergeAccounts('wecomKf', wecomKfFromEnv(env), fromFile as WecomKfAccount[]),
};
