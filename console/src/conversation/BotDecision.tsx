import { Space, Tag, Tooltip } from 'antd';
import { reasonLabel } from '../app/labels';

interface Source {
  chunkId?: number;
  kbName?: string;
  documentId?: number;
  score?: number;
}

/**
 * What the bot decided for one answer and what it cited, read from the message's `meta` as the
 * brain writes it (src/brain/offline-brain.ts, src/workers/conversation-turn-processor.ts).
 */
export function BotDecision({ meta }: { meta: Record<string, unknown> }) {
  const handoff = typeof meta.handoffReason === 'string' ? meta.handoffReason : undefined;
  const sources = Array.isArray(meta.sources) ? (meta.sources as Source[]) : [];
  const question = typeof meta.question === 'string' ? meta.question : undefined;
  const score = typeof meta.score === 'number' ? meta.score : undefined;
  return (
    <Space size={4} wrap className="bot-decision">
      {handoff && <Tag color="orange">转人工：{reasonLabel(handoff)}</Tag>}
      {!handoff && sources.length > 0 && (
        <Tag color="green">
          知识库作答{score !== undefined && ` · 匹配度 ${score}`}
          {question && ` · 「${question}」`}
        </Tag>
      )}
      {typeof meta.smallTalk === 'string' && <Tag>寒暄</Tag>}
      {meta.brain === 'offline' && <Tag>离线知识库</Tag>}
      {sources.map((s) => (
        <Tooltip
          key={`${s.kbName}-${s.chunkId}`}
          title={`知识库 ${s.kbName ?? ''}，文档 #${s.documentId ?? '?'}，条目 #${s.chunkId ?? '?'}`}
        >
          <Tag className="source">
            引用 {s.kbName} #{s.chunkId}
            {s.score !== undefined && ` (${s.score})`}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}
