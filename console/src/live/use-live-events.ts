import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { queryKeys } from '../api/query-keys';
import { type Alerts, createAlerts } from './alerts';

/** `event: conversation` of GET /api/events: what changed, never the text (src/conversations/conversation-events.ts). */
export interface ConversationEvent {
  conversationId: number;
  change: 'waiting' | 'assigned' | 'message' | 'note' | 'resolved' | 'closed' | 'updated';
  status: 'bot' | 'needs_human' | 'human' | 'closed';
  assignee: number | null;
  teamId: number | null;
  at: string;
}

const RECONNECT_AFTER_HTTP_ERROR_MS = 10_000;

export interface LiveState {
  /** The event stream is open: lists change as conversations do. */
  connected: boolean;
  alertsOn: boolean;
  /** Asks for desktop notifications and unlocks sound: browsers allow both only from a click. */
  enableAlerts(): Promise<void>;
}

/**
 * The console's live updates: the server's event stream invalidates the queries a change touches,
 * so TanStack Query refetches what is on screen. After a reconnect everything is refetched, since
 * events sent meanwhile are lost (the stream is a hint, the API is the record). A conversation
 * that starts waiting rings and shows a desktop notification, once alerts are on.
 */
export function useLiveEvents(): LiveState {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [alertsOn, setAlertsOn] = useState(false);
  const alerts = useRef<Alerts | null>(null);

  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let readyBefore = false;
    const connect = () => {
      source = new EventSource('/api/events');
      source.addEventListener('ready', () => {
        setConnected(true);
        if (readyBefore) void queryClient.invalidateQueries({ queryKey: queryKeys.allConversations });
        readyBefore = true;
      });
      source.addEventListener('conversation', (message) => {
        const event = JSON.parse((message as MessageEvent<string>).data) as ConversationEvent;
        void queryClient.invalidateQueries({ queryKey: queryKeys.inboxes });
        void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
        // The customer panel lists the customer's conversations with their status.
        void queryClient.invalidateQueries({ queryKey: queryKeys.customers });
        void queryClient.invalidateQueries({ queryKey: queryKeys.conversation(event.conversationId) });
        if (event.change === 'waiting') alerts.current?.conversationWaiting(event.conversationId);
      });
      source.addEventListener('error', () => {
        setConnected(false);
        // The browser retries a dropped stream by itself (after `retry:`), but gives up on an
        // HTTP error answer (a proxy's 502 during a deploy): then we open a new one.
        if (source?.readyState === EventSource.CLOSED) retry = setTimeout(connect, RECONNECT_AFTER_HTTP_ERROR_MS);
      });
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [queryClient]);

  return {
    connected,
    alertsOn,
    async enableAlerts() {
      alerts.current ??= createAlerts();
      await alerts.current.enable();
      setAlertsOn(true);
    },
  };
}
