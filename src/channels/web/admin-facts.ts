import type { ChannelAdminFacts } from '../channel-config.ts';

/** The web widget: no platform calls us; its secret signs visitor sessions (widget-keys.ts). */
export const webAdminFacts: ChannelAdminFacts = {
  kind: 'web',
  secretFields: ['secret'],
  generatedFields: ['secret'],
  explainError(code) {
    if (code === 'redis_unavailable')
      return { meaning: 'Redis unavailable', fix: '访客事件流依赖 Redis：检查 REDIS_URL 与 Redis 状态；会自动重试。' };
    if (code === 'no_message') return { meaning: 'the stored message is missing' };
    return {};
  },
};
