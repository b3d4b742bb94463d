import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { OpenAIEmbeddings } from '@langchain/openai';

/** An embeddings endpoint and the model name stored with each vector (vectors of different models do not mix). */
export interface Embedder extends EmbeddingsInterface {
  readonly model: string;
}

export interface EmbeddingSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

/**
 * Any OpenAI-compatible /embeddings endpoint (OpenAI, Qwen/DashScope, Zhipu, vLLM, Ollama…).
 * LangChain loads only when embeddings are configured, as in createChatModel.
 */
export async function createEmbedder(settings: EmbeddingSettings): Promise<Embedder> {
  const { OpenAIEmbeddings } = await import('@langchain/openai');
  const embeddings = new OpenAIEmbeddings({
    model: settings.model,
    apiKey: settings.apiKey,
    configuration: { baseURL: settings.baseUrl },
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    // Several compatible servers cap a request at 10–64 inputs.
    batchSize: 32,
  });
  return Object.assign(embeddings, { model: settings.model }) as OpenAIEmbeddings & Embedder;
}
