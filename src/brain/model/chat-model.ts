import type { ChatOpenAI } from '@langchain/openai';
import type { ModelSettings } from './model-settings.ts';

/**
 * One ChatOpenAI per process: its AsyncCaller holds the concurrency cap (maxConcurrency) and the
 * bounded retries with exponential backoff, honouring retry-after on 429.
 *
 * LangChain is imported here, when a model is configured, not with the module: it and the OpenAI
 * client are some 500 of the 1,250 modules a process loads, and a process in offline mode (the
 * default) needs none of them (about 1.5 s of CPU at each start).
 */
export async function createChatModel(settings: ModelSettings, limits: { maxTokens?: number } = {}): Promise<ChatOpenAI> {
  const { ChatOpenAI } = await import('@langchain/openai');
  return new ChatOpenAI({
    ...limits,
    model: settings.model,
    apiKey: settings.apiKey,
    configuration: { baseURL: settings.baseUrl },
    temperature: settings.temperature,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    maxConcurrency: settings.maxConcurrency,
  });
}
