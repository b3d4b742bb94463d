import { randomBytes } from 'node:crypto';
import { runUserCli } from '../../support/kb-cli.ts';
import { pick, type Maker } from './hostile-http.ts';

/**
 * The console API (/api/auth, /api/me, /api/users, /api/conversations, /api/quick-replies,
 * /api/knowledge, /api/knowledge-bases, /api/customers) in the hostile-input storm: a real admin's session and API token,
 * so bad bodies reach validation rather than stopping at the 401, and forged credentials of every
 * shape, which must all be refused.
 */
export interface ConsoleFixtures {
  cookie: string;
  csrf: string;
  bearer: string;
  userId: number;
  /** What no log line may hold. */
  secrets: string[];
}

const ADMIN = { email: 'hostile-admin@example.com', password: 'hostile input admin password' };

/** The admin made as an operator would (`npm run user`), then logged in over HTTP. */
export async function prepareConsoleFixtures(base: string, env: Record<string, string>): Promise<ConsoleFixtures> {
  const created = await runUserCli(['create', '--email', ADMIN.email, '--role', 'admin', '--password-stdin'], env, ADMIN.password);
  if (created.code !== 0) throw new Error(`npm run user create: ${created.stderr}`);
  const issued = await runUserCli(['token', '--email', ADMIN.email], env);
  const bearer = issued.stdout.trim();
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.200' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`console login answered ${login.status}`);
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const answer = (await login.json()) as { user: { id: number }; csrfToken: string };
  return {
    cookie,
    csrf: answer.csrfToken,
    bearer,
    userId: answer.user.id,
    secrets: [ADMIN.password, cookie.split('=')[1]!, answer.csrfToken, bearer],
  };
}

const BAD_BODIES = [
  '{',
  '[]',
  'null',
  '"x"',
  '{"email":"a\\u0000@example.com","password":"x"}',
  '{"email":"\\ud800@example.com","password":"x"}',
  '{"email":{"$ne":null},"password":{"$gt":""}}',
  `{"email":"a@example.com","password":"${'p'.repeat(5000)}"}`,
  '{"__proto__":{"role":"admin"},"email":"x@example.com","role":"root","password":"x"}',
  '{"role":"owner","disabled":"yes","name":"","expiresInDays":-1}',
  '{"role":null,"disabled":null}',
];

type Headers = Record<string, string>;

/** Credentials that are no live session or token at all: refused on every route. */
function invalidCredentials(f: ConsoleFixtures, widgetToken: string): Headers {
  return pick<Headers>([
    { authorization: `Bearer kfh_${randomBytes(32).toString('base64url')}` },
    { authorization: `Bearer ${f.bearer.slice(0, -1)}${f.bearer.endsWith('A') ? 'B' : 'A'}` },
    { authorization: `Bearer ${widgetToken}` },
    { authorization: `Bearer kfh_${'A'.repeat(5000)}` },
    { authorization: `Bearer ${f.bearer} ${f.bearer}` },
    { authorization: `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}` },
    { cookie: `kefu_session=${randomBytes(32).toString('base64url')}` },
    { cookie: `kefu_session=${widgetToken}` },
    { cookie: `kefu_session=${f.bearer}` },
  ]);
}

/** The admin's real cookie, as another site could make a browser send it: refused on unsafe methods. */
function forgedCredentials(f: ConsoleFixtures, widgetToken: string): Headers {
  return pick<Headers>([
    invalidCredentials(f, widgetToken),
    { cookie: `${f.cookie}; kefu_session=x`, 'x-csrf-token': f.csrf.slice(1) },
    { cookie: f.cookie, 'x-csrf-token': f.bearer },
    { cookie: f.cookie },
    { cookie: f.cookie, 'x-csrf-token': f.csrf, origin: 'https://evil.example' },
  ]);
}

/** Conversation ids no conversation has: bad input never reaches a real one. */
const ODD_IDS = [0, -1, 2 ** 40, 'x', '1e3', 999_999_999];

/** Document names no upload can become: no readable extension, a folder in the name, a NUL, too long. */
const ODD_DOCUMENTS = ['noext', '..%2F..%2Fpackage.json', 'a%00.md', `${'x'.repeat(300)}.txt`, 'x.exe', '%2e%2e'];

/** The console routes that take input, with a URL each (path ids that match no token or account but the admin's own). */
const INPUT_ROUTES: Array<{ route: string; method: string; url: (f: ConsoleFixtures) => string }> = [
  { route: 'POST /api/auth/login', method: 'POST', url: () => '/api/auth/login' },
  { route: 'POST /api/auth/logout', method: 'POST', url: () => '/api/auth/logout' },
  { route: 'POST /api/me/tokens', method: 'POST', url: () => '/api/me/tokens' },
  { route: 'DELETE /api/me/tokens/:id', method: 'DELETE', url: () => `/api/me/tokens/${pick([0, -1, 2 ** 40, 'x', '1e3'])}` },
  { route: 'POST /api/users', method: 'POST', url: () => '/api/users' },
  { route: 'PATCH /api/users/:id', method: 'PATCH', url: (f) => `/api/users/${pick([f.userId, 0, -1, 2 ** 40, 'x'])}` },
  { route: 'PUT /api/users/:id/wecom', method: 'PUT', url: (f) => `/api/users/${pick([f.userId, 0, -1, 2 ** 40, 'x'])}/wecom` },
  { route: 'PUT /api/me/presence', method: 'PUT', url: () => '/api/me/presence' },
  { route: 'PUT /api/me/duty', method: 'PUT', url: () => '/api/me/duty' },
  { route: 'POST /api/teams', method: 'POST', url: () => '/api/teams' },
  { route: 'PATCH /api/teams/:id', method: 'PATCH', url: () => `/api/teams/${pick(ODD_IDS)}` },
  { route: 'PUT /api/teams/:id/members', method: 'PUT', url: () => `/api/teams/${pick(ODD_IDS)}/members` },
  { route: 'PUT /api/teams/:id/accounts', method: 'PUT', url: () => `/api/teams/${pick(ODD_IDS)}/accounts` },
  { route: 'GET /api/conversations/:id/servicers', method: 'GET', url: () => `/api/conversations/${pick(ODD_IDS)}/servicers` },
  ...['assign', 'messages', 'notes', 'resolve', 'close', 'read', 'transfer', 'servicer'].map((action) => ({
    route: `POST /api/conversations/:id/${action}`,
    method: 'POST',
    url: () => `/api/conversations/${pick(ODD_IDS)}/${action}`,
  })),
  { route: 'GET /api/conversations/:id', method: 'GET', url: () => `/api/conversations/${pick(ODD_IDS)}` },
  {
    route: 'GET /api/conversations/:id/messages',
    method: 'GET',
    url: () => `/api/conversations/${pick(ODD_IDS)}/messages?${pick(['before=x', 'limit=-1', 'limit=1e9', 'before=%00'])}`,
  },
  {
    route: 'GET /api/conversations',
    method: 'GET',
    url: () =>
      `/api/conversations?${pick(['status=nope', 'view=nope', 'channel=%00', 'cursor=x', 'limit=-5', 'status=human&status=bot', `cursor=${Buffer.from('[0,1e300,1]').toString('base64url')}`])}`,
  },
  {
    route: 'GET /api/conversations/search',
    method: 'GET',
    url: () => `/api/conversations/search?${pick(['q=', 'q=%00', 'q=%25%5C_', `q=${'长'.repeat(200)}`, 'q=a&limit=0', 'limit=5'])}`,
  },
  { route: 'POST /api/quick-replies', method: 'POST', url: () => '/api/quick-replies' },
  { route: 'PATCH /api/quick-replies/:id', method: 'PATCH', url: () => `/api/quick-replies/${pick(ODD_IDS)}` },
  { route: 'DELETE /api/quick-replies/:id', method: 'DELETE', url: () => `/api/quick-replies/${pick(ODD_IDS)}` },
  { route: 'GET /api/quick-replies', method: 'GET', url: () => `/api/quick-replies?${pick(['q=%00', 'q=%ud800', 'q=%25', 'q=a&q=b'])}` },
  {
    route: 'GET /api/conversations/:id/quick-replies/:quickReplyId',
    method: 'GET',
    url: () => `/api/conversations/${pick(ODD_IDS)}/quick-replies/${pick(ODD_IDS)}`,
  },
  {
    route: 'GET /api/knowledge/search',
    method: 'GET',
    url: () => `/api/knowledge/search?${pick(['q=%00', 'q=', 'q=x&limit=1e9', 'q=x&conversationId=x', 'q=x&kb=%00', 'q=x&q=y'])}`,
  },
  { route: 'GET /api/customers/:id', method: 'GET', url: () => `/api/customers/${pick(ODD_IDS)}` },
  // Knowledge: names that are no document a bad body could become (no readable extension, a folder, a NUL).
  {
    route: 'PUT /api/knowledge-bases/:kb/documents/:name',
    method: 'PUT',
    url: () => `/api/knowledge-bases/${pick(['default', '%00', 'x'.repeat(300)])}/documents/${pick(ODD_DOCUMENTS)}`,
  },
  {
    route: 'DELETE /api/knowledge-bases/:kb/documents/:name',
    method: 'DELETE',
    url: () => `/api/knowledge-bases/default/documents/${pick(ODD_DOCUMENTS)}`,
  },
  {
    route: 'POST /api/knowledge-bases/:kb/documents/:name/rollback',
    method: 'POST',
    url: () => `/api/knowledge-bases/default/documents/${pick(ODD_DOCUMENTS)}/rollback`,
  },
  {
    route: 'GET /api/knowledge-bases/:kb/documents/:name/chunks',
    method: 'GET',
    url: () => `/api/knowledge-bases/default/documents/${pick(ODD_DOCUMENTS)}/chunks?${pick(['version=x', 'version=-1', 'version=1e9'])}`,
  },
  { route: 'POST /api/knowledge-bases/:kb/faq/check', method: 'POST', url: () => '/api/knowledge-bases/default/faq/check' },
  { route: 'PUT /api/knowledge-bases/:kb/faq/:chunkId', method: 'PUT', url: () => `/api/knowledge-bases/default/faq/${pick(ODD_IDS)}` },
  { route: 'POST /api/knowledge-bases/:kb/try', method: 'POST', url: () => `/api/knowledge-bases/${pick(['default', '%00', 'nope'])}/try` },
  {
    route: 'GET /console/assets/:file',
    method: 'GET',
    url: () => `/console/assets/${pick(['..%2F..%2Fpackage.json', '%2e%2e%2fsecret', 'a%00.js', 'x'.repeat(300), '.env'])}`,
  },
];

/** A path parameter no real object has: odd ids, or odd names for knowledge bases and documents. */
function oddParam(name: string): string {
  if (name === 'kb') return pick(['default', '%00', 'x'.repeat(300)]);
  if (name === 'name') return pick(ODD_DOCUMENTS);
  return String(pick(ODD_IDS));
}

/**
 * Every other console route that takes input, from the service's own route list (a body, or a
 * path parameter): a route added later is stormed the day it lands, with the parameters filled
 * by `oddParam`, so bad input never reaches a real object.
 */
function listedInputRoutes(apiRoutes: string[]): typeof INPUT_ROUTES {
  const written = new Set(INPUT_ROUTES.map((r) => r.route));
  return apiRoutes
    .filter((route) => route.includes(' /api/') && !route.includes(' /api/web/') && !written.has(route))
    .filter((route) => !route.startsWith('GET ') || route.includes(':'))
    .map((route) => {
      const [method, template] = route.split(' ') as [string, string];
      return { route, method, url: () => template.replace(/:(\w+)/g, (_, name: string) => oddParam(name)) };
    });
}

/**
 * Bad bodies sent as the admin (never one that could pass: the admin stays who it is, and logout
 * goes without credentials), forged credentials with any body, and invalid ones on the reads.
 */
export function consoleMakers(f: ConsoleFixtures, widgetToken: string, apiRoutes: string[]): Maker[] {
  const asAdmin = () => pick<Headers>([{ authorization: `Bearer ${f.bearer}` }, { cookie: f.cookie, 'x-csrf-token': f.csrf }]);
  const json = { 'content-type': 'application/json' };
  const withInput = [...INPUT_ROUTES, ...listedInputRoutes(apiRoutes)].flatMap((r): Maker[] => [
    () => ({
      route: r.route,
      kind: 'bad bodies as an admin',
      method: r.method,
      url: r.url(f),
      headers: { ...json, ...(r.route === 'POST /api/auth/logout' ? {} : asAdmin()) },
      body: pick(BAD_BODIES),
      mustRefuse: r.route === 'POST /api/auth/login',
    }),
    () => ({
      route: r.route,
      kind: 'forged console credentials',
      method: r.method,
      url: r.url(f),
      // A read needs no CSRF token and no same origin (a cross-site page cannot read the answer), so
      // the admin's own cookie is rightly let in there: reads get only credentials that are invalid.
      headers: {
        ...json,
        ...(r.method === 'GET' ? invalidCredentials(f, widgetToken) : forgedCredentials(f, widgetToken)),
        'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250)}`,
      },
      body: pick(['{}', ...BAD_BODIES]),
      mustRefuse: true,
    }),
  ]);
  const reads = [
    '/api/me',
    '/api/me/tokens',
    '/api/me/duty',
    '/api/users',
    '/api/audit',
    '/api/audit/export',
    '/api/agents',
    '/api/teams',
    '/api/conversations/counts',
    '/api/events',
  ].map(
    (path): Maker =>
      () => ({
        route: `GET ${path}`,
        kind: 'forged console credentials',
        method: 'GET',
        url: path,
        headers: invalidCredentials(f, widgetToken),
        mustRefuse: true,
      }),
  );
  return [...withInput, ...reads];
}
