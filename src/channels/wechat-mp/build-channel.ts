import type { ChannelBuilder } from '../channel-builder.ts';
import type { WechatMpAccount } from './config.ts';
import { createWechatMpChannel } from './wechat-mp-channel.ts';

export const wechatMpBuilder: ChannelBuilder<WechatMpAccount, unknown> = {
  build: (accounts, _env, { redis, metrics, logger, limits, accept }) => ({
    channel: createWechatMpChannel({ accounts, redis, metrics, logger, limits, accept }),
  }),
};
