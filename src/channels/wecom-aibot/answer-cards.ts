import type { AnswerRating } from '../../conversations/record-answer-feedback.ts';

/**
 * Template cards (button_interaction) for what buttons do better than text: rating an answer and
 * asking for a person. The card goes with the frame that finishes the answer's stream (a message
 * takes one card, first reply or later; @wecom/aibot-node-sdk replyStreamWithCard, doc 101463), and
 * a click comes back as template_card_event with the button's key, answered by replacing the card
 * within 5 s (update_template_card).
 */
export interface TemplateCard {
  card_type: 'button_interaction' | 'text_notice';
  main_title: { title: string; desc?: string };
  task_id?: string;
  button_list?: Array<{ text: string; style: number; key: string }>;
}

export type CardAction = { kind: 'rate'; messageId: number; rating: AnswerRating } | { kind: 'handoff' };

const RATE_KEY = /^rate:(up|down):(\d+)$/;
export const HANDOFF_KEY = 'handoff';

/** The card under a bot answer (stored message `messageId`): 👍 / 👎 / 转人工. */
export function answerCard(messageId: number): TemplateCard {
  return {
    card_type: 'button_interaction',
    main_title: { title: '这个回答有帮助吗？' },
    // task_id names the card for its update: unique per answer.
    task_id: `answer-${messageId}`,
    button_list: [
      { text: '👍 有帮助', style: 1, key: `rate:up:${messageId}` },
      { text: '👎 没帮助', style: 2, key: `rate:down:${messageId}` },
      { text: '转人工', style: 3, key: HANDOFF_KEY },
    ],
  };
}

/** What a clicked button asks for; undefined for keys we did not make. */
export function cardActionOf(eventKey: string | undefined): CardAction | undefined {
  if (eventKey === HANDOFF_KEY) return { kind: 'handoff' };
  const rate = RATE_KEY.exec(eventKey ?? '');
  return rate ? { kind: 'rate', rating: rate[1] as AnswerRating, messageId: Number(rate[2]) } : undefined;
}

/** The card that replaces a clicked one: the choice is made, the buttons go. */
export function clickedCard(action: CardAction, taskId: string | undefined): TemplateCard {
  const title =
    action.kind === 'handoff' ? '已为您转接人工客服，请稍候' : action.rating === 'up' ? '感谢您的反馈 👍' : '感谢反馈，我们会改进 👎';
  return { card_type: 'text_notice', main_title: { title }, ...(taskId && { task_id: taskId }) };
}
