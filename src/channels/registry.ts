import type { z } from 'zod';
import type { ChannelBuilder } from './channel-builder.ts';
import type { ChannelConfig } from './channel-config.ts';
import { channelConfigs } from './channel-configs.ts';
import { webBuilder } from './web/build-channel.ts';
import { wechatMpBuilder } from './wechat-mp/build-channel.ts';
import { wecomBuilder } from './wecom/build-channel.ts';
import { wecomAibotBuilder } from './wecom-aibot/build-channel.ts';
import { wecomKfBuilder } from './wecom-kf/build-channel.ts';

type Configs = (typeof channelConfigs)[number];
type AccountOf<C> = C extends ChannelConfig<string, z.ZodRawShape, infer A> ? A : never;
type EnvOf<C> = C extends ChannelConfig<string, infer S, unknown> ? z.infer<z.ZodObject<S>> : never;

/**
 * How each channel of src/channels/channel-configs.ts is built, by its key: a channel configured
 * there and missing here fails the type check.
 */
export const channelBuilders: { [C in Configs as C['key']]: ChannelBuilder<AccountOf<C>, EnvOf<C>> } = {
  wecom: wecomBuilder,
  wechatMp: wechatMpBuilder,
  wecomKf: wecomKfBuilder,
  wecomAibot: wecomAibotBuilder,
  web: webBuilder,
};

/** The channels in their configured order, each with its config and builder. */
export const channelRegistry = channelConfigs.map((config) => ({
  key: config.key,
  builder: channelBuilders[config.key] as ChannelBuilder<unknown, unknown>,
}));
