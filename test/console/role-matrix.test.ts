import test from 'ava';
import { staffRoles, type StaffRole } from '../../src/staff/roles.ts';
import { createApiToken } from '../../src/staff/api-tokens.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { call, type Credentials, logIn, PASSWORD } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { startHarness } from '../support/wecom-service.ts';

interface Operation {
  security?: Array<Record<string, string[]>>;
  'x-roles'?: StaffRole[];
}
type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

const REFUSED = [401, 403];

/**
 * The role matrix, read from the service's own OpenAPI document: every operation is called with no
 * credentials, and as every role by cookie and by bearer token. A route added later is in the
 * document (the one helper registers both), so it cannot escape this test.
 */
for (const kind of DATABASE_KINDS) {
  test(`${kind}: every operation in /api/openapi.json refuses anonymous callers and the roles it does not list, by cookie and by bearer`, async (t) => {
    const harness = await startHarness({
      database: kind,
      brain: new ScriptedBrain(),
      ...(kind === 'postgres' && { role: 'api' as const }),
    });
    t.teardown(harness.close);
    const { baseUrl } = harness;
    const cli = { actorId: null, sourceIp: null, via: 'cli' as const };
    const bearer = {} as Record<StaffRole, string>;
    for (const role of staffRoles) {
      const user = await createStaffUser(harness.service.db, { email: `${role}@example.com`, role, password: PASSWORD }, cli);
      bearer[role] = (await createApiToken(harness.service.db, { userId: user.id, name: 'matrix' }, cli)).token;
    }
    const sessions = new Map<StaffRole, Credentials>();
    const sessionOf = async (role: StaffRole) => {
      if (!sessions.has(role)) sessions.set(role, await logIn(baseUrl, `${role}@example.com`));
      return sessions.get(role)!;
    };

    const doc = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as OpenApi;
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    t.true(operations.length >= 11, `${operations.length} operations`);
    let checked = 0;
    for (const { path, method, op } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      const url = path.replace(/\{[^}]+\}/g, '999999');
      const body = method === 'get' ? undefined : {};
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      const allowed = op['x-roles'] ?? [];
      if (!isPublic) {
        t.deepEqual(op.security, [{ session: [] }, { bearer: [] }], `${name} declares cookie and bearer security`);
        t.true(allowed.length > 0 && allowed.every((r) => staffRoles.includes(r)), `${name} lists its roles`);
      }
      const anonymous = await call(baseUrl, method, url, { body });
      if (isPublic) t.false(REFUSED.includes(anonymous.status), `${name} anonymous: ${anonymous.status}`);
      else t.is(anonymous.status, 401, `${name} anonymous: ${await anonymous.clone().text()}`);
      for (const role of staffRoles) {
        for (const via of ['cookie', 'bearer'] as const) {
          const credentials = via === 'cookie' ? await sessionOf(role) : { bearer: bearer[role] };
          const response = await call(baseUrl, method, url, { ...credentials, body });
          const label = `${name} as ${role} by ${via}: ${response.status} ${response.status >= 400 ? await response.text() : ''}`;
          if (isPublic || allowed.includes(role)) t.false(REFUSED.includes(response.status), label);
          else t.is(response.status, 403, label);
          checked++;
          if (via === 'cookie' && response.status === 204 && path === '/api/auth/logout') sessions.delete(role);
        }
      }
    }
    t.is(checked, operations.length * staffRoles.length * 2);
  });
}

test('the OpenAPI document is 3.1, built from the request schemas, and says which operations need no authentication', async (t) => {
  const harness = await startHarness({ database: 'pglite', brain: new ScriptedBrain() });
  t.teardown(harness.close);
  const response = await fetch(`${harness.baseUrl}/api/openapi.json`);
  t.is(response.status, 200);
  const doc = (await response.json()) as OpenApi & { paths: Record<string, Record<string, Record<string, unknown>>> };
  t.is(doc.openapi, '3.1.0');
  t.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'session']);
  const contract = [
    'post /api/auth/login',
    'post /api/auth/logout',
    'get /api/me',
    'get /api/me/tokens',
    'post /api/me/tokens',
    'delete /api/me/tokens/{id}',
    'get /api/users',
    'post /api/users',
    'patch /api/users/{id}',
    'put /api/users/{id}/wecom',
    'get /api/me/duty',
    'put /api/me/duty',
    'get /api/audit',
    'get /api/audit/export',
    'get /api/openapi.json',
    'get /api/conversations',
    'get /api/conversations/counts',
    'get /api/conversations/search',
    'post /api/conversations/{id}/read',
    'get /api/conversations/{id}',
    'get /api/conversations/{id}/messages',
    'post /api/conversations/{id}/assign',
    'post /api/conversations/{id}/messages',
    'post /api/conversations/{id}/notes',
    'post /api/conversations/{id}/resolve',
    'post /api/conversations/{id}/close',
    'get /api/quick-replies',
    'post /api/quick-replies',
    'patch /api/quick-replies/{id}',
    'delete /api/quick-replies/{id}',
    'get /api/conversations/{id}/quick-replies/{quickReplyId}',
    'get /api/knowledge/search',
    'get /api/customers/{id}',
    'get /api/conversations/{id}/servicers',
    'post /api/conversations/{id}/servicer',
    'get /api/events',
    'put /api/me/presence',
    'get /api/agents',
    'get /api/teams',
    'post /api/teams',
    'patch /api/teams/{id}',
    'put /api/teams/{id}/members',
    'put /api/teams/{id}/accounts',
    'post /api/conversations/{id}/transfer',
    'get /api/tag-groups',
    'post /api/tag-groups',
    'patch /api/tag-groups/{id}',
    'delete /api/tag-groups/{id}',
    'post /api/tags',
    'patch /api/tags/{id}',
    'delete /api/tags/{id}',
    'put /api/customers/{id}/tags/{tagId}',
    'delete /api/customers/{id}/tags/{tagId}',
    'get /api/customers/{id}/tag-history',
    'get /api/tag-rules',
    'get /api/tag-rules/{id}',
    'post /api/tag-rules',
    'patch /api/tag-rules/{id}',
    'delete /api/tag-rules/{id}',
    'get /api/tag-sync/wecom',
    'post /api/tag-sync/wecom',
    'get /api/tag-sync/wecom-contacts',
    'post /api/tag-sync/wecom-contacts',
    'get /api/segments',
    'post /api/segments/preview',
    'post /api/segments',
    'get /api/segments/{id}/preview',
    'patch /api/segments/{id}',
    'delete /api/segments/{id}',
    'get /api/segments/{id}/export',
    'get /api/knowledge-bases',
    'get /api/knowledge-bases/{kb}/documents',
    'put /api/knowledge-bases/{kb}/documents/{name}',
    'delete /api/knowledge-bases/{kb}/documents/{name}',
    'get /api/knowledge-bases/{kb}/documents/{name}/versions',
    'get /api/knowledge-bases/{kb}/documents/{name}/chunks',
    'post /api/knowledge-bases/{kb}/documents/{name}/rollback',
    'get /api/knowledge-bases/{kb}/faq',
    'post /api/knowledge-bases/{kb}/faq/check',
    'put /api/knowledge-bases/{kb}/faq/{chunkId}',
    'post /api/knowledge-bases/{kb}/try',
    'get /api/unanswered',
    'post /api/unanswered/retest',
    'post /api/unanswered/answers',
    'get /api/dashboard',
    'get /api/channels',
    'post /api/channels/{channel}/accounts',
    'post /api/channels/{channel}/accounts/{name}/keys',
    'get /api/settings/persona',
    'put /api/settings/persona',
    'get /api/settings/model',
    'put /api/settings/model',
    'post /api/settings/model/test',
    'get /api/settings/handoff',
    'put /api/settings/handoff',
    'get /api/settings/hours',
    'put /api/settings/hours',
    'get /api/settings/hold-notice',
    'put /api/settings/hold-notice',
    'get /api/settings/vocabulary',
    'put /api/settings/vocabulary',
    'post /api/settings/vocabulary/preview',
    'get /api/settings/smalltalk',
    'put /api/settings/smalltalk',
    'post /api/settings/smalltalk/preview',
    'get /api/broadcasts',
    'post /api/broadcasts',
    'post /api/broadcasts/forecast',
    'get /api/broadcasts/{id}',
    'get /api/broadcasts/{id}/recipients',
    'post /api/broadcasts/{id}/cancel',
  ];
  const present = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`));
  t.deepEqual(present.sort(), [...contract].sort());
  t.deepEqual(doc.paths['/api/auth/login']!.post!.security, []);
  t.deepEqual(doc.paths['/api/openapi.json']!.get!.security, []);
  t.deepEqual(doc.paths['/api/users']!.post!['x-roles'], ['admin']);
  // Channel accounts are credentials: only admins see or change them (issue 15).
  for (const path of ['/api/channels', '/api/channels/{channel}/accounts', '/api/channels/{channel}/accounts/{name}/keys'])
    for (const op of Object.values(doc.paths[path]!)) t.deepEqual(op['x-roles'], ['admin'], path);
  t.deepEqual(doc.paths['/api/settings/persona']!.put!['x-roles'], ['admin'], 'only admins change the bot’s settings');
  for (const path of ['/api/settings/handoff', '/api/settings/hours', '/api/settings/hold-notice'])
    t.deepEqual(doc.paths[path]!.put!['x-roles'], ['admin'], `only admins change ${path}`);
  for (const path of [
    '/api/settings/vocabulary',
    '/api/settings/vocabulary/preview',
    '/api/settings/smalltalk',
    '/api/settings/smalltalk/preview',
  ])
    for (const op of Object.values(doc.paths[path]!))
      t.deepEqual(op['x-roles'], ['admin'], `${path}: only admins see, preview or change the vocabulary`);
  t.deepEqual(doc.paths['/api/conversations/{id}/assign']!.post!['x-roles'], ['admin', 'supervisor', 'agent']);
  t.deepEqual(doc.paths['/api/knowledge-bases/{kb}/documents/{name}']!.put!['x-roles'], ['admin'], 'only admins change knowledge');
  // 未知问题: supervisors read the report; only admins change the knowledge (issue 15).
  t.deepEqual(doc.paths['/api/unanswered']!.get!['x-roles'], ['admin', 'supervisor']);
  t.deepEqual(doc.paths['/api/unanswered/answers']!.post!['x-roles'], ['admin']);
  t.deepEqual(doc.paths['/api/unanswered/retest']!.post!['x-roles'], ['admin']);
  t.deepEqual(doc.paths['/api/dashboard']!.get!['x-roles'], ['admin', 'supervisor']);
  t.deepEqual(doc.paths['/api/broadcasts']!.post!['x-roles'], ['admin', 'marketer'], 'marketers and admins broadcast');
  t.deepEqual(doc.paths['/api/broadcasts/forecast']!.post!['x-roles'], ['admin', 'marketer'], 'and forecast a broadcast’s reach');
  const loginBody = JSON.stringify(doc.paths['/api/auth/login']!.post!.requestBody);
  t.regex(loginBody, /"email"/);
  t.regex(loginBody, /"password"/);
});
