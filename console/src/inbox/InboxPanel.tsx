import { Badge, Button, Empty, Input, List, Select, Spin, Tabs } from 'antd';
import { useState } from 'react';
import type { Me } from '../api/client';
import { CHANNEL_LABELS } from '../app/labels';
import { openConversation } from '../app/route';
import { useNow } from '../app/use-now';
import { INBOX_VIEWS, type InboxFilters, type InboxView, useInbox, useInboxCounts } from './inbox-queries';
import { InboxItem } from './InboxItem';
import { SearchResults } from './SearchResults';

const CHANNEL_OPTIONS = Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }));

/**
 * The inbox: a search over every conversation the caller may see, or a tab per view (with the
 * server's counts), filters by channel and account, and the conversations of the view.
 */
export function InboxPanel({ me, openId }: { me: Me; openId: number | null }) {
  const [view, setView] = useState<InboxView>('waiting');
  const [filters, setFilters] = useState<InboxFilters>({});
  const [search, setSearch] = useState('');
  const inbox = useInbox(view, filters);
  const counts = useInboxCounts();
  const now = useNow();
  return (
    <div className="inbox">
      <Input.Search
        className="inbox-search"
        allowClear
        placeholder="搜索客户或消息"
        aria-label="搜索会话"
        onSearch={(q) => setSearch(q.trim())}
      />
      {search ? (
        <SearchResults q={search} me={me} openId={openId} />
      ) : (
        <>
          <Tabs
            className="inbox-tabs"
            size="small"
            activeKey={view}
            onChange={(key) => setView(key as InboxView)}
            items={Object.entries(INBOX_VIEWS).map(([key, v]) => {
              const count = v.count && counts.data?.[v.count];
              return {
                key,
                label: (
                  <span>
                    {v.label}
                    {count !== undefined && <Badge className="tab-count" count={count} showZero color="#8c8c8c" overflowCount={999} />}
                  </span>
                ),
              };
            })}
          />
          <div className="inbox-filters">
            <Select
              allowClear
              placeholder="渠道"
              aria-label="按渠道筛选"
              options={CHANNEL_OPTIONS}
              value={filters.channel}
              onChange={(channel?: string) => setFilters((f) => ({ ...f, channel }))}
            />
            <Input.Search
              allowClear
              placeholder="账号名"
              aria-label="按账号筛选"
              onSearch={(account) => setFilters((f) => ({ ...f, account: account.trim() || undefined }))}
            />
          </div>
          {inbox.isPending ? (
            <Spin className="inbox-loading" />
          ) : inbox.isError ? (
            <Empty description={`加载失败：${inbox.error.message}`} />
          ) : (
            <List
              className="inbox-list"
              aria-label={INBOX_VIEWS[view].label}
              dataSource={inbox.data}
              locale={{ emptyText: <Empty description="暂无会话" /> }}
              renderItem={(conversation) => (
                <InboxItem
                  conversation={conversation}
                  me={me}
                  now={now}
                  selected={conversation.id === openId}
                  onOpen={() => openConversation(conversation.id)}
                />
              )}
              loadMore={
                inbox.hasNextPage && (
                  <Button block type="link" loading={inbox.isFetchingNextPage} onClick={() => void inbox.fetchNextPage()}>
                    加载更多
                  </Button>
                )
              }
            />
          )}
        </>
      )}
    </div>
  );
}
