import { Button, Empty, Spin } from 'antd';
import { useEffect, useRef } from 'react';
import { useConversationMessages } from './conversation-queries';
import { MessageItem } from './MessageItem';
import { useMarkRead } from './use-mark-read';

/** The whole history, oldest at the top, kept scrolled to the newest as messages arrive, which are then read. */
export function MessageHistory({ id }: { id: number }) {
  const history = useConversationMessages(id);
  const end = useRef<HTMLDivElement>(null);
  const newest = history.data?.at(-1)?.id;
  useMarkRead(id, newest);
  useEffect(() => {
    if (newest !== undefined) end.current?.scrollIntoView({ block: 'end' });
  }, [newest]);
  if (history.isPending) return <Spin className="history-loading" />;
  if (history.isError) return <Empty description={`加载失败：${history.error.message}`} />;
  return (
    <div className="history" role="log" aria-label="会话记录" aria-live="polite">
      {history.hasNextPage && (
        <Button type="link" block loading={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
          更早的消息
        </Button>
      )}
      <ol className="messages">
        {history.data.map((m) => (
          <MessageItem key={m.id} message={m} />
        ))}
      </ol>
      <div ref={end} />
    </div>
  );
}
