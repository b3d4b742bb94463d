import { handoffSegmentMatcher } from '../audience/handoff-segments.ts';
import type { Database } from '../db/connect.ts';
import { outOfHoursMessage } from '../settings/business-hours.ts';
import type { TurnProcessorDeps } from '../workers/conversation-turn-processor.ts';
import type { LiveSettings } from './start-settings.ts';

/**
 * What the conversation worker asks the bot's settings at each turn: the hold notice, the business
 * hours, and the segments that go straight to a person — read from the settings in force, so a
 * save in the console applies from the next turn on (HOLD_NOTICE_* are the defaults).
 */
export function handoverFromSettings(
  db: Database,
  settings: LiveSettings,
): Pick<TurnProcessorDeps, 'holdNotice' | 'outOfHoursMessage' | 'segmentHandoff'> {
  const firstSegmentOf = handoffSegmentMatcher(db);
  return {
    holdNotice: () => settings.current().holdNotice,
    outOfHoursMessage: (at) => outOfHoursMessage(settings.current().hours, at),
    async segmentHandoff(customerId) {
      const { segments, segmentReply } = settings.current().handoff;
      const segmentId = await firstSegmentOf(customerId, segments);
      return segmentId === undefined ? undefined : { kind: 'handoff', reason: 'segment', text: segmentReply, meta: { segmentId } };
    },
  };
}
