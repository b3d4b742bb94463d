/**
 * What a staff member wrote to the WeCom app (docs/agents.md, "Answering from WeCom"):
 *   `#12 您好…`   replies to conversation 12
 *   `#12 结束`    resolves it: the bot answers the customer again
 *   `您好…`       replies to the conversation they were last told of
 * `＃` (full-width, as Chinese keyboards type it) counts as `#`.
 */
export type StaffReplyCommand =
  | { kind: 'reply'; conversationId?: number; text: string }
  | { kind: 'resolve'; conversationId: number }
  | { kind: 'help' };

const RESOLVE_WORDS = new Set(['结束', '完成', '解决', 'resolve', 'done']);
const ADDRESSED = /^[#＃](\d{1,15})(?:\s+|$)([\s\S]*)$/u;

export function parseStaffReply(raw: string): StaffReplyCommand {
  const text = raw.trim();
  const addressed = ADDRESSED.exec(text);
  if (!addressed) return text ? { kind: 'reply', text } : { kind: 'help' };
  const conversationId = Number(addressed[1]);
  const rest = addressed[2]!.trim();
  if (!rest) return { kind: 'help' };
  if (RESOLVE_WORDS.has(rest.toLowerCase())) return { kind: 'resolve', conversationId };
  return { kind: 'reply', conversationId, text: rest };
}

export const STAFF_REPLY_HELP = '回复方式：直接回复即答复最近通知您的对话；“#对话号 内容”答复指定对话；“#对话号 结束”交回机器人。';
