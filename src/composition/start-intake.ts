import { createStaffReplies } from '../agent-notices/answer-from-wecom.ts';
import type { Channel } from '../channels/types.ts';
import { replyWindowByChannel, splitByChannel } from '../conversations/send-agent-reply.ts';
import { staffLinesFor } from '../conversations/staff-lines.ts';
import { syncChannelAccounts } from '../conversations/channel-accounts.ts';
import { createIntake, type Intake } from '../intake/accept-inbound.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';
import type { StaffNotices } from './start-staff-notices.ts';

/**
 * The intake that stores and queues what the channels accept, once their accounts have ids; with
 * staff notices on, it first takes the staff's replies from the notifying WeCom app.
 */
export async function startIntake(
  { config, logger, stops }: StartContext,
  infra: Infrastructure,
  channels: Channel[],
  notices: StaffNotices | undefined,
): Promise<Intake> {
  const { db, queue, metrics, redis } = infra;
  const accountIds = await syncChannelAccounts(
    db,
    channels.flatMap((c) => c.accounts().map((a) => ({ channel: c.kind, ...a }))),
  );
  const staffReplies =
    notices &&
    createStaffReplies({
      db,
      queue,
      redis,
      logger,
      splitText: splitByChannel(channels),
      replyWindowRule: replyWindowByChannel(channels),
      events: infra.events,
      lines: staffLinesFor(channels, queue, logger),
      notices: notices.queue,
      channel: notices.channel.kind,
      accountName: notices.settings.accountName,
    });
  const intake = createIntake({
    db,
    queue,
    accountIds,
    logger,
    metrics,
    announce: infra.announce,
    coalesceWindowMs: config.env.COALESCE_WINDOW_MS,
    ...(staffReplies && { staffReplies }),
  });
  // Before the queue and Redis close: jobs of callbacks already acknowledged are queued now, not by the sweep.
  stops.add(() => intake.settle());
  return intake;
}
