import { Button, Input, Tabs, Typography } from 'antd';
import { type KeyboardEvent, useState } from 'react';
import { conversationActions, useConversationAction } from './conversation-queries';

/**
 * The reply box and the note box. Enter sends, Shift+Enter starts a new line (and Enter while an
 * input method is composing Chinese only confirms the characters). A reply needs the conversation
 * in hand; a note never reaches the customer.
 */
export function Composer({ id, canReply }: { id: number; canReply: boolean }) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const reply = useConversationAction(id, (body: string) => conversationActions.reply(id, body));
  const note = useConversationAction(id, (body: string) => conversationActions.note(id, body));
  const action = mode === 'reply' ? reply : note;
  const disabled = mode === 'reply' && !canReply;

  function send(): void {
    const body = text.trim();
    if (!body || disabled || action.isPending) return;
    action.mutate(body, { onSuccess: () => setText('') });
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  }

  return (
    <div className={`composer ${mode}`}>
      <Tabs
        size="small"
        activeKey={mode}
        onChange={(key) => setMode(key as 'reply' | 'note')}
        items={[
          { key: 'reply', label: '回复客户' },
          { key: 'note', label: '内部备注' },
        ]}
      />
      <Input.TextArea
        aria-label={mode === 'reply' ? '回复客户' : '内部备注'}
        autoSize={{ minRows: 2, maxRows: 8 }}
        maxLength={10_000}
        value={text}
        disabled={disabled}
        placeholder={
          disabled ? '接入会话后才能回复客户' : mode === 'reply' ? '输入回复，Enter 发送，Shift+Enter 换行' : '仅同事可见，客户看不到'
        }
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-footer">
        <Typography.Text type="secondary">{mode === 'note' ? '内部备注不会发送给客户' : 'Enter 发送 · Shift+Enter 换行'}</Typography.Text>
        <Button type="primary" onClick={send} loading={action.isPending} disabled={disabled || !text.trim()}>
          {mode === 'reply' ? '发送' : '添加备注'}
        </Button>
      </div>
    </div>
  );
}
