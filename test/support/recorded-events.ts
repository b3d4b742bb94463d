import type { ConversationEventInput, ConversationEvents } from '../../src/conversations/conversation-events.ts';

/** Console events kept in memory, for tests that check what the console was told. */
export class RecordedEvents implements ConversationEvents {
  readonly published: ConversationEventInput[] = [];

  publish(event: ConversationEventInput): void {
    this.published.push(event);
  }

  of(conversationId: number): Array<Pick<ConversationEventInput, 'change' | 'status'>> {
    return this.published.filter((e) => e.conversationId === conversationId).map(({ change, status }) => ({ change, status }));
  }
}
