import { z } from 'zod';
import { emptyAsUndefined, onOff, optionalString } from '../../config/env-values.ts';
import { ConfigError } from '../../errors.ts';
import { accountFromEnv, accountName, aesKey, type ChannelConfig, mergeAccounts } from '../channel-config.ts';
import { wechatMpAdminFacts } from './admin-facts.ts';

/** An Official Account (公众号) that reaches personal WeChat users. */
const wechatMpAccountSchema = z.object({
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
  /**
   * 服务号 (service) or 订阅号 (subscription): their mass-send limits differ (src/channels/wechat-mp/mass-sends.ts).
   * Only the operator knows which the account is; the API does not say. Unset: service.
   */
  accountType: z.enum(['service', 'subscription']).optional(),
});
export type WechatMpAccount = z.infer<typeof wechatMpAccountSchema>;

const wechatMpEnv = {
  WECHAT_MP_APP_ID: optionalString,
  WECHAT_MP_APP_SECRET: optionalString,
  WECHAT_MP_TOKEN: optionalString,
  WECHAT_MP_ENCODING_AES_KEY: optionalString,
  WECHAT_MP_API_BASE: z.preprocess(emptyAsUndefined, z.string().url().default('https://api.weixin.qq.com')),
  WECHAT_MP_WELCOME_TEXT: optionalString,
  WECHAT_MP_ACCOUNT_TYPE: optionalString,
  /** Accepts plain-mode Official Accounts in production (refusePlainModeAccounts says why not). */
  WECHAT_MP_ALLOW_PLAIN: onOff(false),
};

function wechatMpFromEnv(env: Record<string, unknown>): WechatMpAccount | undefined {
  return accountFromEnv(
    'Official Account',
    wechatMpAccountSchema,
    env,
    { WECHAT_MP_APP_ID: 'appId', WECHAT_MP_APP_SECRET: 'appSecret', WECHAT_MP_TOKEN: 'token' },
    {
      WECHAT_MP_ENCODING_AES_KEY: 'encodingAesKey',
      WECHAT_MP_API_BASE: 'apiBase',
      WECHAT_MP_WELCOME_TEXT: 'welcomeText',
      WECHAT_MP_ACCOUNT_TYPE: 'accountType',
    },
  );
}

/**
 * Plain mode (明文模式) signs only [token, timestamp, nonce], never the body
 * (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html): a
 * query string seen once, in a proxy log say, carries any forged message for the replay window.
 * Production refuses it unless the operator accepts that with WECHAT_MP_ALLOW_PLAIN=1.
 */
function refusePlainModeAccounts(accounts: WechatMpAccount[], allowPlain: boolean): void {
  const plain = accounts.find((a) => !a.encodingAesKey);
  if (!plain || allowPlain) return;
  const fix = plain.name === 'default' ? 'set WECHAT_MP_ENCODING_AES_KEY' : `set its encodingAesKey in CONFIG_FILE`;
  throw new ConfigError(
    `Official Account "${plain.name}" is in plain mode (明文模式), where nothing signs the message body: ${fix} and choose safe mode (安全模式) in the console, or set WECHAT_MP_ALLOW_PLAIN=1 to accept the risk`,
  );
}

/** Official Accounts: WECHAT_MP_* is the `default` one, CONFIG_FILE's `wechatMp` the others. */
export const wechatMpConfig: ChannelConfig<'wechatMp', typeof wechatMpEnv, WechatMpAccount> = {
  key: 'wechatMp',
  env: wechatMpEnv,
  account: wechatMpAccountSchema,
  admin: wechatMpAdminFacts,
  accounts(env, fromFile, { production }) {
    const accounts = mergeAccounts('wechatMp', wechatMpFromEnv(env), fromFile as WechatMpAccount[]);
    if (production) refusePlainModeAccounts(accounts, env.WECHAT_MP_ALLOW_PLAIN);
    return accounts;
  },
};
