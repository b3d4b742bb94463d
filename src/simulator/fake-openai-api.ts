import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoopbackHttpServer } from './loopback-server.ts';

/**
 * An OpenAI-compatible API on loopback, for tests: /v1/chat/completions (plain and streamed as
 * SSE; text, tool-call and JSON outputs) and /v1/embeddings (deterministic vectors), with
 * injectable 429s (retry-after), 5xx errors and delays. The real LangChain client talks to it.
 */
export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string | null; tool_calls?: unknown }>;
  tools?: Array<{ type: 'function'; function: { name: string; parameters: unknown } }>;
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  stream?: boolean;
  temperature?: number;
}

/** What the fake answers: text, or a structured object sent as a tool call or JSON per the request. */
export type ChatReply = { text: string } | { structured: Record<string, unknown> };

export interface InjectedFault {
  status: number;
  retryAfterSeconds?: number;
  message?: string;
}

export class FakeOpenAiApi {
  readonly chatRequests: ChatRequest[] = [];
  readonly embeddingRequests: Array<{ model: string; input: string[] }> = [];
  /** Answers each chat request; the default echoes the last user message as text. */
  onChat: (request: ChatRequest) => ChatReply = (request) => ({ text: `echo: ${lastUserMessage(request)}` });
  /** Added to every chat response. */
  delayMs = 0;
  /** Set: requests without `Authorization: Bearer <it>` get OpenAI's 401 invalid_api_key. */
  requiredApiKey: string | undefined;
  /** Between the pieces of a streamed response, so a client sees it arrive bit by bit. */
  chunkDelayMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly dimensions = 64;
  private readonly faults: InjectedFault[] = [];
  private server?: Server;
  /** The base URL clients use (…/v1), once listening. */
  baseUrl = '';

  /** The next `count` chat calls fail with this status (after the delay). */
  failNext(count: number, fault: InjectedFault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** Drops the faults not yet met: the endpoint recovers. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Chat requests answered with an injected fault so far. */
  faultsServed = 0;

  async listen(): Promise<string> {
    this.server = createLoopbackHttpServer((req, res) => {
      this.route(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Deterministic unit vector: hashed character unigrams and bigrams, so similar texts are close. */
  embed(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    const chars = Array.from(text.replace(/[\s\p{P}]/gu, ''));
    const grams = [...chars, ...chars.slice(1).map((c, i) => chars[i] + c)];
    for (const gram of grams) vector[createHash('md5').update(gram).digest().readUInt32LE(0) % this.dimensions]! += 1;
    const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0)) || 1;
    return vector.map((v) => v / norm);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = JSON.parse((await readBody(req)) || '{}');
    if (this.requiredApiKey !== undefined && req.headers.authorization !== `Bearer ${this.requiredApiKey}`) {
      // As OpenAI answers a wrong key (https://platform.openai.com/docs/guides/error-codes): 401, code invalid_api_key.
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        }),
      );
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') return this.chat(body as ChatRequest, res);
    if (req.method === 'POST' && req.url === '/v1/embeddings') return this.embeddings(body, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
  }

  private async chat(request: ChatRequest, res: ServerResponse): Promise<void> {
    this.chatRequests.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const fault = this.faults.shift();
      if (fault) {
        this.faultsServed++;
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          ...(fault.retryAfterSeconds !== undefined && { 'retry-after': String(fault.retryAfterSeconds) }),
        });
        res.end(
          JSON.stringify({
            error: {
              message: fault.message ?? `injected ${fault.status}`,
              type: fault.status === 429 ? 'rate_limit_exceeded' : 'server_error',
            },
          }),
        );
        return;
      }
      const message = this.message(request, this.onChat(request));
      const usage = { prompt_tokens: 100 + JSON.stringify(request.messages).length, completion_tokens: 20, total_tokens: 0 };
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      const base = { id: `chatcmpl-${this.chatRequests.length}`, created: Math.floor(Date.now() / 1000), model: request.model };
      const finish = message.tool_calls ? 'tool_calls' : 'stop';
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (chunk: unknown) =>
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...(chunk as object) })}\n\n`);
      send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      if (message.tool_calls) {
        const call = message.tool_calls[0]!;
        send({
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] },
              finish_reason: null,
            },
          ],
        });
        for (const piece of pieces(call.function.arguments)) {
          send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish_reason: null }] });
          await this.pause();
        }
      } else {
        for (const piece of pieces(message.content ?? '')) {
          send({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
          await this.pause();
        }
      }
      send({ choices: [{ index: 0, delta: {}, finish_reason: finish }], usage });
      res.end('data: [DONE]\n\n');
    } finally {
      this.inFlight--;
    }
  }

  private async pause(): Promise<void> {
    if (this.chunkDelayMs > 0) await new Promise((r) => setTimeout(r, this.chunkDelayMs));
  }

  /** Sends a structured reply the way the request asked for it: a tool call, or JSON content. */
  private message(
    request: ChatRequest,
    reply: ChatReply,
  ): {
    role: 'assistant';
    content: string | null;
    tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  } {
    if ('text' in reply) return { role: 'assistant', content: reply.text };
    const json = JSON.stringify(reply.structured);
    const tool = request.tools?.[0];
    if (tool && !request.response_format) {
      return {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call_${this.chatRequests.length}`, type: 'function', function: { name: tool.function.name, arguments: json } }],
      };
    }
    return { role: 'assistant', content: json };
  }

  private embeddings(body: { model: string; input: string | string[]; encoding_format?: string }, res: ServerResponse): void {
    const input = Array.isArray(body.input) ? body.input : [body.input];
    this.embeddingRequests.push({ model: body.model, input });
    const data = input.map((text, index) => {
      const vector = this.embed(text);
      // The OpenAI SDK asks for base64 by default and decodes it.
      const embedding = body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        data,
        model: body.model,
        usage: { prompt_tokens: input.join('').length, total_tokens: input.join('').length },
      }),
    );
  }
}

export function lastUserMessage(request: ChatRequest): string {
  return [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

export function systemPrompt(request: ChatRequest): string {
  return request.messages.find((m) => m.role === 'system')?.content ?? '';
}

/** Chunk ids the prompt shows the model: the `<passage id="…">` fences of the user's turn. */
export function knowledgeIds(request: ChatRequest): string[] {
  return [...lastUserMessage(request).matchAll(/<passage id="([^"]+)">/g)].map((m) => m[1]!);
}

/** The passages the prompt shows the model, by id, as fenced. */
export function knowledgePassages(request: ChatRequest): Map<string, string> {
  return new Map([...lastUserMessage(request).matchAll(/<passage id="([^"]+)">\n([\s\S]*?)\n<\/passage>/g)].map((m) => [m[1]!, m[2]!]));
}

/** What the customer wrote this turn: the `<customer_message>` fence of the user's turn, or all of it. */
export function customerMessage(request: ChatRequest): string {
  const user = lastUserMessage(request);
  return /<customer_message>\n([\s\S]*)\n<\/customer_message>/.exec(user)?.[1] ?? user;
}

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 7) out.push(text.slice(i, i + 7));
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
