import type { InboundMessage } from '../../src/channels/types.ts';
import type { InboundToRecord } from '../../src/conversations/record-inbound.ts';

/**
 * Batches for recordInboundBatch, as the intake's group commit makes them: WeCom text messages,
 * each with a MsgId of its own, from `customers` distinct customers in turn (every message a new
 * customer when unset).
 */
export function inboundTextBatches(channelAccountId: number, accountName: string, customers?: number): (size: number) => InboundToRecord[] {
  let n = 0;
  return (size) =>
    Array.from({ length: size }, () => {
      n += 1;
      const message: InboundMessage = {
        channel: 'wecom',
        accountName,
        customerExternalId: `customer-${customers ? n % customers : n}`,
        platformMessageId: `m${n}`,
        dedupeKey: `msg:m${n}`,
        sentAt: new Date(),
        content: { type: 'text', text: '营业时间' },
      };
      return { channelAccountId, message };
    });
}
