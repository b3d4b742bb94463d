/** How the model brain reaches an OpenAI-compatible chat endpoint (LLM_* variables). */
export interface ModelSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  /** Retries after the first attempt, on timeouts, 5xx and 429 (honouring retry-after). */
  maxRetries: number;
  /** Calls in flight at once in this process; more wait their turn. */
  maxConcurrency: number;
  temperature: number;
  /**
   * How the structured answer is requested. functionCalling (tools) works on DeepSeek, Qwen, GLM,
   * Kimi, Doubao, vLLM (with a tool parser) and Ollama; jsonMode (response_format json_object)
   * for servers without tools; jsonSchema only where strict json_schema is supported.
   */
  structuredOutput: 'functionCalling' | 'jsonMode' | 'jsonSchema';
}

/** What the model brain reports, so the brain need not know the metrics library. */
export interface ModelObserver {
  latency(model: string, seconds: number): void;
  tokens(model: string, kind: 'prompt' | 'completion', count: number): void;
  error(model: string, code: string): void;
}
