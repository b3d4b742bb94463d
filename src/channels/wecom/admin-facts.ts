import type { ChannelAdminFacts } from '../channel-config.ts';
import { explainWecomError } from '../shared/wecom-error-fixes.ts';

/**
 * A self-built app's callback (接收消息服务器配置 https://developer.work.weixin.qq.com/document/path/90930):
 * the operator pastes our URL, Token and EncodingAESKey into 应用详情 → 接收消息 → 设置API接收.
 */
export const wecomAdminFacts: ChannelAdminFacts = {
  kind: 'wecom',
  secretFields: ['secret', 'token', 'encodingAesKey'],
  generatedFields: ['token', 'encodingAesKey'],
  callbackPath: (name) => `/callbacks/wecom/${name}`,
  explainError(code) {
    if (code === 'member_rate')
      return { meaning: 'more than 30 messages a minute to one member', fix: '同一成员每分钟最多 30 条，会在下一分钟自动重试。' };
    if (code === 'gettoken') return { meaning: 'gettoken failed', fix: '检查 CorpID、Secret 与网络出口；会自动重试。' };
    return explainWecomError(code);
  },
};
