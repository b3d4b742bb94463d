import { webConfig } from './web/config.ts';
import { wechatMpConfig } from './wechat-mp/config.ts';
import { wecomConfig } from './wecom/config.ts';
import { wecomAibotConfig } from './wecom-aibot/config.ts';
import { wecomKfConfig } from './wecom-kf/config.ts';

/**
 * Every channel's configuration, in the order their accounts are checked and their channels built.
 * Adding a channel: its folder with a config.ts, one line here, one in src/channels/registry.ts.
 */
export const channelConfigs = [wecomConfig, wechatMpConfig, wecomKfConfig, wecomAibotConfig, webConfig] as const;
