import { ChatOpenAI } from '@langchain/openai';
import type { ModelSettings } from './model-settings.ts';

/**
 * One ChatOpenAI per process: its AsyncCaller holds the concurrency cap (maxConcurrency) and the
 * bounded retries with exponential backoff, honouring retry-after on 429.
 */
export function createChatModel(settings: ModelSettings): ChatOpenAI {
  return new ChatOpenAI({
    model: settings.model,
    apiKey: settings.apiKey,
    configuration: { baseURL: settings.baseUrl },
    temperature: settings.temperature,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    maxConcurrency: settings.maxConcurrency,
  });
}
