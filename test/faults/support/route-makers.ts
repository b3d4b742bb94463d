import { pick, type HostileRequest, type Maker } from './hostile-http.ts';

/**
 * Every route a process serves, as it listed them at start (`http routes`, src/http/app.ts), and
 * the bad requests any route must survive: a wrong method, junk in the query, odd path parameters,
 * odd headers. Built from the running service's own list, so a new route is fuzzed the day it lands.
 */
export function servedRoutes(output: string): string[] {
  const line = output.split('\n').find((l) => l.includes('"msg":"http routes"'));
  if (!line) throw new Error('the process did not list its routes ("http routes")');
  const routes = (JSON.parse(line) as { routes: string[] }).routes;
  return routes.flatMap((r) => {
    const [methods, path] = r.split(' ');
    // HEAD comes with every GET; it is fuzzed through the GET.
    return methods!
      .split(',')
      .filter((m) => m !== 'HEAD')
      .map((m) => `${m} ${path}`);
  });
}

const ODD_PARAMS = ['%00', '%ED%A0%80', '%E0%A4%A', 'x'.repeat(3000), '..%2F..', '%F0%9F%98', '__proto__'];
const JUNK_QUERY = [
  '%00=%ED%A0%80',
  'a[b][c][d]=1&a[b]=2',
  '__proto__[x]=1&constructor[prototype][y]=1',
  `${'q'.repeat(3000)}=1`,
  '&&&==',
  'x=%',
];
const ODD_HEADERS: Array<Record<string, string>> = [
  { range: 'bytes=9-1' },
  { 'if-none-match': '"\u00ff\u00fe", W/' },
  { 'accept-encoding': 'gzip;q=NaN, br;q=-1' },
  { 'content-type': 'multipart/form-data; boundary=' },
  { 'x-forwarded-for': '::ffff:999.1.1.1, garbage' },
  { origin: 'null' },
  { 'last-event-id': '\u00ff\u00ff' },
];
const OTHER_METHOD: Record<string, string> = { GET: 'DELETE', POST: 'PUT', OPTIONS: 'PATCH', PUT: 'DELETE', DELETE: 'PATCH' };

/**
 * Generic makers for one route. `param` gives a working value for a path parameter and
 * `credentials` working headers (a session), so only the part under test is wrong.
 */
export function genericRouteMakers(
  route: string,
  param: (name: string, route: string) => string,
  credentials: Record<string, string> = {},
): Maker[] {
  const [method, template] = route.split(' ') as [string, string];
  const fill = (odd?: string) => template.replace(/:(\w+)/g, (_, name: string) => odd ?? param(name, route));
  const req = (kind: string, init: Partial<HostileRequest>): HostileRequest => ({
    route,
    kind,
    method,
    url: fill(),
    ...init,
    headers: { ...credentials, ...init.headers },
  });
  const makers: Maker[] = [
    () => req('wrong method', { method: OTHER_METHOD[method] ?? 'DELETE', body: 'x', mustRefuse: true }),
    () => req('junk in the query', { url: `${fill()}?${pick(JUNK_QUERY)}` }),
    () => req('odd headers', { headers: pick(ODD_HEADERS), ...(method === 'POST' ? { body: '' } : {}) }),
  ];
  if (template.includes(':'))
    makers.push(() => req('odd path parameters', { url: fill(pick(ODD_PARAMS)), ...(method === 'POST' ? { body: '' } : {}) }));
  return makers;
}

/** Paths no route serves, odd ones: the router's 404 must hold for them too. */
export const unknownRouteMaker: Maker = () => ({
  route: '(no route)',
  kind: 'unknown path',
  method: pick(['GET', 'POST']),
  url: `/${pick(ODD_PARAMS)}/${pick(['api', 'callbacks', '.env', 'admin'])}?${pick(JUNK_QUERY)}`,
  mustRefuse: true,
});
