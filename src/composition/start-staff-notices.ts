import type { Queue } from 'bullmq';
import type { Channel } from '../channels/types.ts';
import type { AgentNotifySettings } from '../config/agent-notify.ts';
import { createStaffNoticeQueue, type StaffNoticeJob } from '../queue/staff-notice-queue.ts';
import { startStaffNoticeWorker } from '../workers/staff-notice-worker.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';

/** Notices to staff through the WeCom app, when AGENT_NOTIFY_WECOM is on (src/config/agent-notify.ts). */
export interface StaffNotices {
  settings: AgentNotifySettings;
  queue: Queue<StaffNoticeJob>;
  /** The channel whose app sends the notices and receives the staff's replies. */
  channel: Channel & Required<Pick<Channel, 'notifyStaff'>>;
}

/** The notice queue, for every role: the API answers staff who reply from WeCom, the worker queues waiting notices. */
export async function startStaffNotices(
  { config, stops }: StartContext,
  infra: Infrastructure,
  channels: Channel[],
): Promise<StaffNotices | undefined> {
  const settings = config.agentNotify;
  if (!settings) return undefined;
  const channel = channels.find((c) => c.kind === 'wecom');
  // Config loading already refused AGENT_NOTIFY_WECOM without its WeCom app; this is the type's guard.
  if (!channel?.notifyStaff) throw new Error('AGENT_NOTIFY_WECOM is on but the WeCom channel cannot notify staff');
  const connection = infra.connectRedis('staff notices', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const queue = createStaffNoticeQueue(connection, infra.redisPrefix, config.env.JOB_ATTEMPTS);
  infra.redisErrors.watchErrors(queue, 'staff notices');
  stops.add(() => queue.close());
  await queue.waitUntilReady();
  return { settings, queue, channel: channel as StaffNotices['channel'] };
}

/** The worker roles send the notices. */
export async function startStaffNoticeSender(
  { config, logger, stops }: StartContext,
  infra: Infrastructure,
  notices: StaffNotices,
): Promise<void> {
  const worker = startStaffNoticeWorker({
    connection: infra.connectRedis('staff notice worker', { maxRetriesPerRequest: null }),
    prefix: infra.redisPrefix,
    db: infra.db,
    redis: infra.redis,
    channel: notices.channel,
    settings: notices.settings,
    metrics: infra.metrics,
    logger,
    backoffBaseMs: config.env.JOB_BACKOFF_MS,
  });
  worker.on('error', (err) => infra.redisErrors.report('staff notice worker', err));
  await worker.waitUntilReady();
  stops.add(() => worker.close());
}
