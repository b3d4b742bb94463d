import { createHash } from 'node:crypto';
import { type ChatReply, type ChatRequest, customerMessage, knowledgePassages } from './fake-openai-api.ts';

/**
 * A stand-in for a chat model behind FakeOpenAiApi, for `npm run eval -- --model` without
 * LLM_BASE_URL. It answers with the first sentence of the first passage it is shown, citing it,
 * and — like a careless model — misquotes the first number of about one answer in four (chosen by
 * a hash of the question, so runs repeat): the eval then shows the brain withholding exactly those.
 * Shown no passage, it says it has no answer.
 */
export function simulatedModelReply(request: ChatRequest): ChatReply {
  const [first] = knowledgePassages(request);
  const entities = { orderNumber: null, phone: null, product: null, date: null, amount: null };
  if (!first) {
    return { structured: { intent: 'other', entities, handoffReason: 'no_answer', confidence: 0.1, citedChunkIds: [], answer: '' } };
  }
  const [id, passage] = first;
  const body = passage.replace(/^问：.*\n答：/, '');
  let answer = /[^。！？\n]+[。！？]?/.exec(body)?.[0] ?? body;
  if (createHash('md5').update(customerMessage(request)).digest()[0]! % 4 === 0) {
    answer = answer.replace(/\d+/, (n) => String(Number(n) + 1));
  }
  return { structured: { intent: 'other', entities, handoffReason: 'none', confidence: 0.8, citedChunkIds: [id], answer } };
}
