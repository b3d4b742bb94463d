import type { ChannelAdminFacts } from '../channel-config.ts';
import { explainWecomError } from '../shared/wecom-error-fixes.ts';

/**
 * 微信客服's callback is the one of the app under 微信客服 → API → 可调用接口的应用
 * (回调配置 https://developer.work.weixin.qq.com/document/path/94670): URL, Token, EncodingAESKey.
 */
export const wecomKfAdminFacts: ChannelAdminFacts = {
  kind: 'wecom-kf',
  secretFields: ['secret', 'token', 'encodingAesKey'],
  generatedFields: ['token', 'encodingAesKey'],
  callbackPath: (name) => `/callbacks/wecom-kf/${name}`,
  explainError: explainWecomError,
};
