import type { Credentials } from './console-api.ts';
import type { Harness } from './wecom-service.ts';

/** Uploads a knowledge document through the console API as an admin's browser does. */
export const uploadDocument = (h: Harness, who: Credentials, kb: string, name: string, content: string | Buffer) =>
  fetch(`${h.baseUrl}/api/knowledge-bases/${encodeURIComponent(kb)}/documents/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { cookie: who.cookie!, 'x-csrf-token': who.csrf!, 'content-type': 'application/octet-stream' },
    body: typeof content === 'string' ? content : new Uint8Array(content),
  });

/** What the bot answers a new customer over WeCom (each ask is a new one: an unanswered question hands that conversation over). */
export async function botAnswers(h: Harness, text: string): Promise<string> {
  const count = h.wecom.delivered.length;
  await h.sendText(`customer${count}-${Date.now()}`, text);
  return (await h.wecom.waitForDelivered(count + 1)).at(-1)!.content;
}

/** The bot's answer once a change announced over a feed has been applied (the reload is asynchronous): asked again until `settled`, for 10 s. */
export async function answerOnceSettled(h: Harness, text: string, settled: (answer: string) => boolean): Promise<string> {
  const started = Date.now();
  let answer = '';
  while (Date.now() - started < 10_000) {
    answer = await botAnswers(h, text);
    if (settled(answer)) return answer;
    await new Promise((r) => setTimeout(r, 200));
  }
  return answer;
}
