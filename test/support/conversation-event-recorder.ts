import type { AnnounceConversations } from '../../src/conversations/announce-conversations.ts';
import type { ConversationChange, ConversationEventInput, ConversationEvents } from '../../src/conversations/conversation-events.ts';

/** A ConversationEvents that keeps what it is told, for tests that call domain functions directly. */
export function recordConversationEvents(): ConversationEvents & { published: ConversationEventInput[] } {
  const published: ConversationEventInput[] = [];
  return { published, publish: (event) => void published.push(event) };
}

/** An AnnounceConversations that keeps what it is told, for tests that build the intake or the worker by hand. */
export function recordAnnouncements(): AnnounceConversations & { calls: Array<[number[], ConversationChange]> } {
  const calls: Array<[number[], ConversationChange]> = [];
  return Object.assign((ids: number[], change: ConversationChange) => void calls.push([ids, change]), { calls });
}
