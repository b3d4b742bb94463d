import type { ChannelAdminFacts } from '../channels/channel-config.ts';
import { channelConfigs } from '../channels/channel-configs.ts';

/** A channel by its CONFIG_FILE key (wecom, wechatMp, wecomKf, web). */
export type ChannelKey = (typeof channelConfigs)[number]['key'];
export const channelKeys = channelConfigs.map((c) => c.key) as [ChannelKey, ...ChannelKey[]];

export function channelConfigOf(key: ChannelKey): { account: (typeof channelConfigs)[number]['account']; admin: ChannelAdminFacts } {
  return channelConfigs.find((c) => c.key === key)!;
}
