import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ChatOpenAI } from '@langchain/openai';
import type { ConversationTurn } from '../types.ts';
import type { Summarize } from './conversation-memory.ts';
import { fillTemplate } from './prompts.ts';

const SPEAKERS: Record<ConversationTurn['from'], string> = { customer: '客户', bot: '客服机器人', agent: '人工客服', system: '系统' };

/** The rolling summary as a plain model call with the summarize prompt (config/prompts/summarize.md). */
export function createSummarizer(model: ChatOpenAI, prompt: string): Summarize {
  return async (previous, turns, maxChars, onTokens) => {
    const dialogue = turns.map((t) => `${SPEAKERS[t.from]}：${t.text}`).join('\n');
    const reply = await model.invoke([
      new SystemMessage(fillTemplate(prompt, { maxChars: String(maxChars) })),
      new HumanMessage(`已有摘要：\n${previous ?? '（无）'}\n\n新的对话：\n${dialogue}`),
    ]);
    if (reply.usage_metadata) onTokens?.(reply.usage_metadata.total_tokens);
    return typeof reply.content === 'string' ? reply.content : reply.content.map((part) => ('text' in part ? part.text : '')).join('');
  };
}
