import { AutoComplete, Button, Input, Tabs, Typography } from 'antd';
import { type KeyboardEvent, useState } from 'react';
import { isPickingQuickReply, useQuickReplyPicker } from '../quick-replies/use-quick-reply-picker';
import { conversationActions, useConversationAction } from './conversation-queries';

export interface ComposerProps {
  id: number;
  /** Why a reply cannot be sent now (not in hand, the channel's window closed); null when it can. */
  replyBlocked: string | null;
  draft: string;
  onDraftChange(text: string): void;
}

/**
 * The reply box and the note box. Enter sends, Shift+Enter starts a new line (and Enter while an
 * input method is composing Chinese only confirms the characters). A reply needs the conversation
 * in hand and the channel's window open; a note never reaches the customer. Typing `/` opens the
 * quick replies; choosing one (arrows and Enter, or a click) puts its filled text in the box.
 */
export function Composer({ id, replyBlocked, draft, onDraftChange }: ComposerProps) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const reply = useConversationAction(id, (body: string) => conversationActions.reply(id, body));
  const note = useConversationAction(id, (body: string) => conversationActions.note(id, body));
  const picker = useQuickReplyPicker(id, draft, onDraftChange);
  const action = mode === 'reply' ? reply : note;
  const disabled = mode === 'reply' && replyBlocked !== null;

  function send(): void {
    const body = draft.trim();
    if (!body || disabled || action.isPending) return;
    action.mutate(body, { onSuccess: () => onDraftChange('') });
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    // While a quick reply is being picked, Enter chooses it (the picker handles it), never sends.
    if (!isPickingQuickReply(draft)) send();
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
      <AutoComplete
        className="composer-input"
        value={draft}
        open={picker.picking && picker.quickReplies.length > 0}
        filterOption={false}
        defaultActiveFirstOption
        options={picker.quickReplies.map((qr) => ({
          value: String(qr.id),
          label: (
            <div className="quick-reply-option">
              <Typography.Text strong>{qr.shortcut ?? ''}</Typography.Text> {qr.title}
              <Typography.Text type="secondary" ellipsis className="quick-reply-text">
                {qr.text}
              </Typography.Text>
            </div>
          ),
        }))}
        onSelect={(value: string) => void picker.choose(Number(value))}
      >
        <Input.TextArea
          aria-label={mode === 'reply' ? '回复客户' : '内部备注'}
          autoSize={{ minRows: 2, maxRows: 8 }}
          maxLength={10_000}
          disabled={disabled}
          placeholder={
            disabled
              ? (replyBlocked ?? undefined)
              : mode === 'reply'
                ? '输入回复，Enter 发送，Shift+Enter 换行，/ 选快捷回复'
                : '仅同事可见，客户看不到'
          }
          onChange={(event) => onDraftChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
      </AutoComplete>
      <div className="composer-footer">
        <Typography.Text type="secondary">
          {mode === 'note' ? '内部备注不会发送给客户' : 'Enter 发送 · Shift+Enter 换行 · / 快捷回复'}
        </Typography.Text>
        <Button type="primary" onClick={send} loading={action.isPending} disabled={disabled || !draft.trim()}>
          {mode === 'reply' ? '发送' : '添加备注'}
        </Button>
      </div>
    </div>
  );
}
