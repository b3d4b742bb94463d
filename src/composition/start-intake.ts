import type { Channel } from '../channels/types.ts';
import { syncChannelAccounts } from '../conversations/channel-accounts.ts';
import { createIntake, type Intake } from '../intake/accept-inbound.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';

/** The intake that stores and queues what the channels accept, once their accounts have ids. */
export async function startIntake({ config, logger, stops }: StartContext, infra: Infrastructure, channels: Channel[]): Promise<Intake> {
  const { db, queue, metrics } = infra;
  const accountIds = await syncChannelAccounts(
    db,
    channels.flatMap((c) => c.accounts().map((a) => ({ channel: c.kind, ...a }))),
  );
  const intake = createIntake({
    db,
    queue,
    accountIds,
    logger,
    metrics,
    announce: infra.announce,
    coalesceWindowMs: config.env.COALESCE_WINDOW_MS,
  });
  // Before the queue and Redis close: jobs of callbacks already acknowledged are queued now, not by the sweep.
  stops.add(() => intake.settle());
  return intake;
}
