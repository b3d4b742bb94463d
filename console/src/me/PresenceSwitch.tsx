import { useMutation } from '@tanstack/react-query';
import { App, Segmented } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { answerOf, api } from '../api/client';
import { refusalText } from '../conversation/conversation-queries';

type Presence = 'online' | 'away';

/** Without a key or the pointer moving for this long, the console says the person is away. */
const IDLE_MS = 10 * 60_000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel'] as const;

/**
 * Online or away (PUT /api/me/presence; docs/agents.md, "Presence"): what supervisors read in GET
 * /api/agents. Set by hand, or away by itself after IDLE_MS without activity, and back online with
 * the next activity, unless the person chose away themselves.
 */
export function PresenceSwitch() {
  const { message } = App.useApp();
  const [presence, setPresence] = useState<Presence>('online');
  const chosenAway = useRef(false);
  const update = useMutation({
    mutationFn: (next: Presence) => answerOf(api.PUT('/api/me/presence', { body: { presence: next } })),
    onMutate: (next) => setPresence(next),
    onError: (error) => void message.error(refusalText(error)),
  });
  const { mutate } = update;

  useEffect(() => {
    let idle = false;
    let timer = setTimeout(goIdle, IDLE_MS);
    function goIdle(): void {
      if (chosenAway.current) return;
      idle = true;
      mutate('away');
    }
    function onActivity(): void {
      clearTimeout(timer);
      timer = setTimeout(goIdle, IDLE_MS);
      if (idle) {
        idle = false;
        mutate('online');
      }
    }
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity);
    };
  }, [mutate]);

  return (
    <Segmented<Presence>
      size="small"
      aria-label="在线状态"
      value={presence}
      options={[
        { value: 'online', label: '在线' },
        { value: 'away', label: '离开' },
      ]}
      onChange={(next) => {
        chosenAway.current = next === 'away';
        mutate(next);
      }}
    />
  );
}
