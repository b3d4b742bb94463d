import { createChatModel } from '../brain/model/chat-model.ts';

/** What 测试连接 answers: whether the endpoint answered a chat request, how fast, and if not, what it said. */
export interface ConnectionCheck {
  ok: boolean;
  ms: number;
  /** The endpoint's HTTP status, when it answered with an error (401 = the key, 404 = the model or the URL). */
  status?: number;
  /** The endpoint's error code, e.g. `invalid_api_key`, `model_not_found`. */
  code?: string;
  message?: string;
}

const TIMEOUT_MS = 10_000;

/**
 * One chat completion of one token ("ping") through the client the model brain itself uses, with
 * no retries, so what it answers is what the bot would get. The key is never part of the answer: a
 * provider that echoes it in an error message (OpenAI shows a masked part) has it cut out.
 */
export async function testModelConnection(target: { baseUrl: string; model: string; apiKey: string }): Promise<ConnectionCheck> {
  const client = await createChatModel(
    { ...target, temperature: 0, timeoutMs: TIMEOUT_MS, maxRetries: 0, maxConcurrency: 1, structuredOutput: 'functionCalling' },
    { maxTokens: 1 },
  );
  const started = Date.now();
  try {
    await client.invoke([{ role: 'user', content: 'ping' }]);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    const e = err as { status?: unknown; code?: unknown; message?: unknown };
    return {
      ok: false,
      ms: Date.now() - started,
      ...(typeof e.status === 'number' && { status: e.status }),
      ...(typeof e.code === 'string' && { code: e.code }),
      message: String(e.message ?? err)
        .split(target.apiKey)
        .join('••••')
        .slice(0, 300),
    };
  }
}
