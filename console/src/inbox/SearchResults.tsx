import { Empty, List, Spin, Typography } from 'antd';
import type { Me } from '../api/client';
import { openConversation } from '../app/route';
import { useNow } from '../app/use-now';
import { useConversationSearch } from './inbox-queries';
import { InboxItem } from './InboxItem';

/** The conversations matching a search, each with the text around its first matching message. */
export function SearchResults({ q, me, openId }: { q: string; me: Me; openId: number | null }) {
  const search = useConversationSearch(q);
  const now = useNow();
  if (search.isPending) return <Spin className="inbox-loading" />;
  if (search.isError) return <Empty description={`搜索失败：${search.error.message}`} />;
  return (
    <List
      className="inbox-list"
      aria-label="搜索结果"
      dataSource={search.data}
      locale={{ emptyText: <Empty description="没有找到匹配的会话" /> }}
      renderItem={(conversation) => (
        <InboxItem
          conversation={conversation}
          me={me}
          now={now}
          selected={conversation.id === openId}
          onOpen={() => openConversation(conversation.id)}
        >
          {conversation.snippet && (
            <Typography.Paragraph type="secondary" className="search-snippet" ellipsis={{ rows: 2 }}>
              {conversation.snippet}
            </Typography.Paragraph>
          )}
        </InboxItem>
      )}
    />
  );
}
