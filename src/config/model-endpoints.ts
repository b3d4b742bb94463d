import { z } from 'zod';
import type { ModelSettings } from '../brain/model/model-settings.ts';
import { ConfigError } from '../errors.ts';
import { emptyAsUndefined, nonNegativeInt, optionalString, positiveInt } from './env-values.ts';

/** The chat model's and the embeddings' endpoints: any OpenAI-compatible servers, both optional. */
export const modelEnvShape = {
  /** Any OpenAI-compatible chat endpoint; unset LLM_BASE_URL and LLM_MODEL = offline mode. */
  LLM_BASE_URL: optionalString.pipe(z.string().url('must be an http(s):// URL').optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_MS: positiveInt(30_000),
  LLM_MAX_RETRIES: nonNegativeInt(2),
  LLM_MAX_CONCURRENCY: positiveInt(16),
  LLM_TEMPERATURE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(2).default(0.2)),
  /** What 1,000 tokens of the model cost (prompt and completion alike), in your currency: the dashboard's cost per day. */
  LLM_PRICE_PER_1K_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).default(0)),
  LLM_STRUCTURED_OUTPUT: z.preprocess(emptyAsUndefined, z.enum(['functionCalling', 'jsonMode', 'jsonSchema']).default('functionCalling')),
};

export const embeddingEnvShape = {
  /** Any OpenAI-compatible embeddings endpoint; unset = lexical retrieval only. */
  EMBEDDING_BASE_URL: optionalString.pipe(z.string().url('must be an http(s):// URL').optional()),
  EMBEDDING_API_KEY: optionalString,
  EMBEDDING_MODEL: optionalString,
};

type ModelEnv = z.infer<z.ZodObject<typeof modelEnvShape>>;
type EmbeddingEnv = z.infer<z.ZodObject<typeof embeddingEnvShape>> & Pick<ModelEnv, 'LLM_TIMEOUT_MS' | 'LLM_MAX_RETRIES'>;

/** The chat model (LLM_*), when configured: exactly what the model brain needs. */
export type ModelConfig = ModelSettings;

/** The embeddings endpoint (EMBEDDING_*), when configured. */
export interface EmbeddingConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

/** Local servers (Ollama, vLLM) take any key, but the client refuses an empty one. */
export const NO_API_KEY = 'not-needed';

export function modelFromEnv(env: ModelEnv): ModelConfig | undefined {
  if (env.LLM_BASE_URL === undefined && env.LLM_MODEL === undefined) return undefined;
  if (env.LLM_BASE_URL === undefined || env.LLM_MODEL === undefined) {
    throw new ConfigError(
      `${env.LLM_BASE_URL === undefined ? 'LLM_BASE_URL' : 'LLM_MODEL'}: required when ${env.LLM_BASE_URL === undefined ? 'LLM_MODEL' : 'LLM_BASE_URL'} is set (unset both for offline mode)`,
    );
  }
  return {
    baseUrl: env.LLM_BASE_URL,
    apiKey: env.LLM_API_KEY ?? NO_API_KEY,
    model: env.LLM_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
    maxConcurrency: env.LLM_MAX_CONCURRENCY,
    temperature: env.LLM_TEMPERATURE,
    structuredOutput: env.LLM_STRUCTURED_OUTPUT,
  };
}

export function embeddingsFromEnv(env: EmbeddingEnv): EmbeddingConfig | undefined {
  if (env.EMBEDDING_BASE_URL === undefined && env.EMBEDDING_MODEL === undefined) return undefined;
  if (env.EMBEDDING_BASE_URL === undefined || env.EMBEDDING_MODEL === undefined) {
    throw new ConfigError(
      `${env.EMBEDDING_BASE_URL === undefined ? 'EMBEDDING_BASE_URL' : 'EMBEDDING_MODEL'}: required when the other EMBEDDING_* variables are set`,
    );
  }
  return {
    baseUrl: env.EMBEDDING_BASE_URL,
    apiKey: env.EMBEDDING_API_KEY ?? NO_API_KEY,
    model: env.EMBEDDING_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
  };
}
