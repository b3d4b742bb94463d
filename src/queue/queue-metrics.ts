import type { Queue } from 'bullmq';
import type { Metrics } from '../observability/metrics.ts';
import type { TurnJobData } from '../queue/conversation-queue.ts';

/** Queue depth and age for /metrics: the signal that scales workers. */
export function registerQueueMetrics(metrics: Metrics, queue: Queue<TurnJobData>): void {
  metrics.queueStats.read = async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
    const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
    return { counts, oldestWaitingSeconds: oldest ? (Date.now() - oldest.timestamp) / 1000 : 0 };
  };
}
