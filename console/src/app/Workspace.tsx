import { Empty, Grid, Layout, Spin } from 'antd';
import { Suspense } from 'react';
import type { Me } from '../api/client';
import { type AsideTools, ConversationView } from '../conversation/ConversationView';
import { CustomerPanel } from '../customer/CustomerPanel';
import { InboxPanel } from '../inbox/InboxPanel';
import { KnowledgePanel } from '../knowledge/KnowledgePanel';
import { LiveStatus } from '../live/live-status';
import { useLiveEvents } from '../live/use-live-events';
import { Header } from './Header';
import { CONSOLE_PAGES } from './pages';
import { openConversation, useOpenConversationId, useOpenPage } from './route';

/** The panels beside a conversation: who the customer is, and what the knowledge base answers. */
const sidePanels = ({ conversation, insert }: AsideTools) => (
  <>
    <CustomerPanel customerId={conversation.customer.id} conversationId={conversation.id} />
    <KnowledgePanel conversationId={conversation.id} onInsert={insert} />
  </>
);

/**
 * The inbox beside the open conversation; on a phone (below antd's `md`, 768 px) they are two
 * screens, the conversation with a way back to the list.
 */
export function Workspace({ me }: { me: Me }) {
  const live = useLiveEvents();
  const openId = useOpenConversationId();
  const pageName = useOpenPage();
  const page = CONSOLE_PAGES.find((p) => p.name === pageName && p.allowed(me));
  const wide = Grid.useBreakpoint().md ?? true;
  const inbox = <InboxPanel me={me} openId={openId} />;
  const conversation =
    openId === null ? (
      <Empty className="no-conversation" description="从左侧选择一个会话" />
    ) : (
      <ConversationView key={openId} id={openId} me={me} aside={sidePanels} onBack={wide ? undefined : () => openConversation(null)} />
    );
  return (
    <LiveStatus.Provider value={live.connected}>
      <Layout className="workspace">
        <Header me={me} live={live} />
        <Layout.Content className="workspace-body">
          {page ? (
            <section className="single-column">
              <Suspense fallback={<Spin className="conversation-loading" />}>
                <page.Page me={me} />
              </Suspense>
            </section>
          ) : wide ? (
            <>
              <section className="inbox-column" aria-label="会话列表">
                {inbox}
              </section>
              <section className="conversation-column" aria-label="会话">
                {conversation}
              </section>
            </>
          ) : (
            <section className="single-column">{openId === null ? inbox : conversation}</section>
          )}
        </Layout.Content>
      </Layout>
    </LiveStatus.Provider>
  );
}
