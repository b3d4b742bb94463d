import type { ChannelAdminFacts } from '../channel-config.ts';
import { explainWecomError } from '../shared/wecom-error-fixes.ts';

/**
 * The AI bot (智能机器人): over the long connection it needs the bot's id and secret and no URL;
 * in webhook mode WeCom calls /callbacks/wecom-aibot/<account> with the Token and EncodingAESKey
 * set on the bot's API page (https://developer.work.weixin.qq.com/document/path/100719).
 */
export const wecomAibotAdminFacts: ChannelAdminFacts = {
  kind: 'wecom-aibot',
  secretFields: ['secret', 'token', 'encodingAesKey'],
  generatedFields: ['token', 'encodingAesKey'],
  callbackPath: (name) => `/callbacks/wecom-aibot/${name}`,
  explainError: explainWecomError,
};
