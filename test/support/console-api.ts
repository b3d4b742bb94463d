import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { registerConsoleApi } from '../../src/console/console-api.ts';
import type { DatabaseHandle } from '../../src/db/connect.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { listenHttp } from '../../src/http/listen-http.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { SessionLifetimes } from '../../src/staff/sessions.ts';
import type { StaffRole } from '../../src/staff/roles.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { createConversationQueue } from '../../src/queue/conversation-queue.ts';
import { type DatabaseKind, migratedDatabase } from './databases.ts';
import { readSseStream, type SseStream } from './sse-reader.ts';
import { deleteRedisPrefix, REDIS_URL } from './wecom-service.ts';

export const PASSWORD = 'a long enough test password';

export interface ConsoleApp {
  baseUrl: string;
  database: DatabaseHandle;
  /** The app's Redis, under its own key prefix. */
  redis: Redis;
  close(): Promise<void>;
}

/**
 * The console API as the service mounts it (createHttpApp + registerConsoleApi) on a real database
 * of the given kind and the real Redis, without channels or workers: quick to start for the tests
 * of accounts, sessions, tokens and the audit log. The role matrix runs against the whole service.
 */
export async function startConsoleApp(
  kind: DatabaseKind,
  options: { lifetimes?: SessionLifetimes; trustedProxyHops?: number; logger?: Logger; conversations?: boolean } = {},
): Promise<ConsoleApp> {
  const migrated = await migratedDatabase(kind);
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { keyPrefix: `${prefix}:`, maxRetriesPerRequest: 1, connectTimeout: 20_000 });
  const lifetimes = options.lifetimes ?? { idleSeconds: 3600, maxSeconds: 86_400 };
  const logger = options.logger ?? createLogger('silent');
  // The conversation routes, for tests that seed conversations themselves: no channels, no worker.
  const queue = options.conversations ? createConversationQueue({ url: REDIS_URL }, prefix, 1) : undefined;
  const conversations = queue && { queue, logger, channels: [], events: { publish: () => {} } };
  const app = createHttpApp({
    logger,
    metrics: createMetrics(),
    channels: [],
    registerRoutes: [
      (router) => registerConsoleApi(router, { db: migrated.handle.db, redis, lifetimes, ...(conversations && { conversations }) }),
    ],
    isReady: async () => ({ ready: true, checks: {} }),
    isAcceptingTraffic: () => true,
    trustedProxyHops: options.trustedProxyHops ?? 1,
  });
  const server = await listenHttp(app, 0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    database: migrated.handle,
    redis,
    async close() {
      await new Promise((r) => server.close(r));
      await queue?.close();
      redis.disconnect();
      await deleteRedisPrefix(prefix);
      await migrated.close();
    },
  };
}

export async function seedUser(database: DatabaseHandle, email: string, role: StaffRole, password = PASSWORD) {
  return createStaffUser(database.db, { email, role, password }, { actorId: null, sourceIp: null, via: 'cli' });
}

export interface Credentials {
  cookie?: string;
  csrf?: string;
  bearer?: string;
}

export interface CallOptions extends Credentials {
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request to the API, as a browser (cookie + CSRF header) or an integration (bearer) sends it. */
export function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${baseUrl}${path}`, {
    // fetch upper-cases GET, POST, DELETE… itself but sends `patch` as written, which Node refuses.
    method: method.toUpperCase(),
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
}

export interface LoggedIn {
  response: Response;
  /** `name=value` of the session cookie, as a browser would send it back. */
  cookie: string;
  /** The whole Set-Cookie line, attributes included. */
  setCookie: string;
  csrf: string;
  answer: { user: { id: number; email: string; role: StaffRole }; csrfToken: string };
}

export async function logIn(baseUrl: string, email: string, password = PASSWORD, options: CallOptions = {}): Promise<LoggedIn> {
  const response = await call(baseUrl, 'POST', '/api/auth/login', { ...options, body: { email, password } });
  if (response.status !== 200) throw new Error(`login of ${email} answered ${response.status}: ${await response.text()}`);
  const setCookie = response.headers.getSetCookie().find((c) => /kefu_session=/.test(c))!;
  const answer = (await response.json()) as LoggedIn['answer'];
  return { response, setCookie, cookie: setCookie.split(';')[0]!, csrf: answer.csrfToken, answer };
}

/** The rows of one SQL statement, as tests read the tables directly (both databases answer `{ rows }` this way). */
export function rowsOf<T = Record<string, unknown>>(database: DatabaseHandle, statement: string): Promise<T[]> {
  return queryRows<T>(database.db, sql.raw(statement));
}

export type SignedIn = Credentials & { id: number };

/** A staff account made with the staff functions, signed in through the real login route. */
export async function signedInStaff(baseUrl: string, db: DatabaseHandle['db'], email: string, role: StaffRole): Promise<SignedIn> {
  const user = await createStaffUser(db, { email, role, password: PASSWORD }, { actorId: null, sourceIp: null, via: 'cli' });
  const session = await logIn(baseUrl, email);
  return { id: user.id, cookie: session.cookie, csrf: session.csrf };
}

/** A console route's JSON answer with its status, as the console would read it. */
export async function callJson<T = Record<string, unknown>>(
  baseUrl: string,
  who: Credentials,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await call(baseUrl, method, path, { ...who, body });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A staff member's console event stream (GET /api/events), once it said `ready`: they are online from then on. */
export async function openConsoleEvents(baseUrl: string, who: Credentials): Promise<SseStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (who.cookie) headers.cookie = who.cookie;
  if (who.bearer) headers.authorization = `Bearer ${who.bearer}`;
  const res = await fetch(`${baseUrl}/api/events`, { headers, signal: abort.signal });
  if (res.status !== 200) throw new Error(`GET /api/events answered ${res.status}: ${await res.text()}`);
  const stream = readSseStream(res, abort);
  await stream.waitFor((events) => events.some((e) => e.event === 'ready'), 30_000, 'ready');
  return stream;
}
