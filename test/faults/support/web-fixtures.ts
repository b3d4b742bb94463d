import { randomBytes } from 'node:crypto';
import { newClientId, nextClientAddress } from '../../support/web-visitor.ts';
import type { HostileRequest } from './hostile-http.ts';
import type { TextMarkers } from './text-markers.ts';
import { companySignsUser, type WebAccountKeys } from './web-identity.ts';

/**
 * What the web storm needs before it starts: sessions of anonymous visitors, of a signed-in
 * "victim" with a message and a file, and of another widget account — all made the honest way,
 * over HTTP, as a browser and the company's backend would.
 */
export interface WebSession {
  token: string;
  visitorId: string;
}

export interface WebFixtures {
  base: string;
  account: WebAccountKeys & { publicId: string };
  other: WebAccountKeys & { publicId: string };
  anonymous: WebSession[];
  otherSession: WebSession;
  victim: WebSession & { fileId: string };
  /** Sessions of validly signed user ids that hold NUL or a lone surrogate, where the service issued one. */
  oddUsers: WebSession[];
  markers: TextMarkers;
}

const WEB_BASE = '/api/web/:publicId';

/**
 * A request to the widget API, each from an address of its own: per-address limits must not be
 * what answers the storm. `route` is the router's path after /api/web/:publicId.
 */
export function webRequest(method: string, route: string, kind: string, url: string, init: Partial<HostileRequest> = {}): HostileRequest {
  return {
    route: `${method} ${WEB_BASE}${route}`,
    kind,
    method,
    url,
    ...init,
    headers: { 'x-forwarded-for': nextClientAddress(), ...init.headers },
  };
}

export const json = (token?: string) => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

async function call(base: string, path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { 'x-forwarded-for': nextClientAddress(), ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function startSession(base: string, publicId: string, body: Record<string, unknown> = {}): Promise<WebSession> {
  const s = (await call(base, `/api/web/${publicId}/session`, { method: 'POST', headers: json(), body: JSON.stringify(body) })) as {
    token: string;
    visitor: { id: string };
  };
  return { token: s.token, visitorId: s.visitor.id };
}

export async function prepareWebFixtures(
  base: string,
  account: WebFixtures['account'],
  other: WebFixtures['other'],
  markers: TextMarkers,
): Promise<WebFixtures> {
  const anonymous = await Promise.all(Array.from({ length: 8 }, () => startSession(base, account.publicId)));
  const otherSession = await startSession(base, other.publicId);
  const victim = await startSession(base, account.publicId, companySignsUser(account, `victim-${randomBytes(4).toString('hex')}`));
  await call(base, `/api/web/${account.publicId}/messages`, {
    method: 'POST',
    headers: json(victim.token),
    body: JSON.stringify({ clientId: newClientId(), text: '我的订单地址' }),
  });
  const upload = (await call(base, `/api/web/${account.publicId}/uploads`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${victim.token}`,
      'content-type': 'text/plain',
      'x-file-name': 'invoice.txt',
      'x-client-id': newClientId(),
    },
    body: 'the victim’s invoice',
  })) as { message: { attachment: { url: string } } };
  const fileId = upload.message.attachment.url.split('/').at(-1)!;
  const oddUsers = (
    await Promise.all(
      ['user\u0000nul', 'user\ud800surrogate'].map((userId) =>
        startSession(base, account.publicId, companySignsUser(account, userId)).catch(() => undefined),
      ),
    )
  ).filter((s): s is WebSession => s !== undefined);
  return { base, account, other, anonymous, otherSession, victim: { ...victim, fileId }, oddUsers, markers };
}

export const pickSession = (f: WebFixtures) => f.anonymous[Math.floor(Math.random() * f.anonymous.length)]!;
