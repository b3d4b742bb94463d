import type { ChannelBuilder } from '../channel-builder.ts';
import type { WecomAccount } from './config.ts';
import { createWecomChannel } from './wecom-channel.ts';

export const wecomBuilder: ChannelBuilder<WecomAccount, unknown> = {
  build: (accounts, _env, { redis, metrics, logger, limits, accept }) => ({
    channel: createWecomChannel({ accounts, redis, metrics, logger, limits, accept }),
  }),
};
