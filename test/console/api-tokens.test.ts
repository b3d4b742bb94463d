import test from 'ava';
import { call, logIn, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  test(`${kind}: a personal API token is shown once, stored as its hash, and authenticates every /api route as its user`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'sup@example.com', 'supervisor');
    const session = await logIn(app.baseUrl, 'sup@example.com');
    const created = await call(app.baseUrl, 'POST', '/api/me/tokens', { ...session, body: { name: 'crm sync' } });
    t.is(created.status, 201);
    const { token, id, displayPrefix } = (await created.json()) as { token: string; id: number; displayPrefix: string };
    t.regex(token, /^kfh_[A-Za-z0-9_-]{43}$/);
    t.true(token.startsWith(displayPrefix));

    const me = await call(app.baseUrl, 'GET', '/api/me', { bearer: token });
    t.is(me.status, 200);
    t.like(await me.json(), { user: { email: 'sup@example.com', role: 'supervisor' }, via: 'token' });
    t.false('csrfToken' in ((await (await call(app.baseUrl, 'GET', '/api/me', { bearer: token })).json()) as object));

    const listed = (await (await call(app.baseUrl, 'GET', '/api/me/tokens', { bearer: token })).json()) as { tokens: object[] };
    t.is(listed.tokens.length, 1);
    t.like(listed.tokens[0], { id, name: 'crm sync', displayPrefix, revokedAt: null });
    t.false(JSON.stringify(listed).includes(token.slice(displayPrefix.length)), 'the list never holds the token');
    t.false(JSON.stringify(await rowsOf(app.database, 'select * from staff_api_tokens')).includes(token), 'only the hash is stored');
  });

  test(`${kind}: bearer requests need no CSRF token; a revoked, expired or unknown token is 401`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const session = await logIn(app.baseUrl, 'a@example.com');
    const make = async (name: string) =>
      (await (await call(app.baseUrl, 'POST', '/api/me/tokens', { ...session, body: { name } })).json()) as { token: string; id: number };
    const kept = await make('kept');
    const revoked = await make('revoked');
    const expired = await make('expired');

    const viaBearer = await call(app.baseUrl, 'DELETE', `/api/me/tokens/${revoked.id}`, { bearer: kept.token });
    t.is(viaBearer.status, 204, 'no CSRF token needed with a bearer token');
    t.is((await call(app.baseUrl, 'GET', '/api/me', { bearer: revoked.token })).status, 401);
    t.is((await call(app.baseUrl, 'DELETE', `/api/me/tokens/${revoked.id}`, { bearer: kept.token })).status, 404, 'revoked once');

    await app.database.execute(`update staff_api_tokens set expires_at = now() - interval '1 second' where id = ${expired.id}`);
    const refused = await call(app.baseUrl, 'GET', '/api/me', { bearer: expired.token });
    t.is(refused.status, 401);
    t.like(await refused.json(), { error: 'invalid_token' });
    t.is((await call(app.baseUrl, 'GET', '/api/me', { bearer: 'kfh_notarealtoken' })).status, 401);
    t.is(
      (await call(app.baseUrl, 'GET', '/api/me', { bearer: 'kfh_notarealtoken', cookie: session.cookie })).status,
      401,
      'a bad bearer token is not rescued by a good cookie',
    );
  });

  test(`${kind}: a token's last use is recorded`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const session = await logIn(app.baseUrl, 'a@example.com');
    const { token, id } = (await (await call(app.baseUrl, 'POST', '/api/me/tokens', { ...session, body: { name: 'x' } })).json()) as {
      token: string;
      id: number;
    };
    const lastUsed = async () =>
      (await rowsOf<{ used: Date | null }>(app.database, `select last_used_at as used from staff_api_tokens where id = ${id}`))[0]!.used;
    t.is(await lastUsed(), null);
    await call(app.baseUrl, 'GET', '/api/me', { bearer: token });
    t.truthy(await lastUsed());
  });

  test(`${kind}: one person cannot revoke another's token`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    await seedUser(app.database, 'b@example.com', 'admin');
    const a = await logIn(app.baseUrl, 'a@example.com');
    const b = await logIn(app.baseUrl, 'b@example.com');
    const { token, id } = (await (await call(app.baseUrl, 'POST', '/api/me/tokens', { ...a, body: { name: 'x' } })).json()) as {
      token: string;
      id: number;
    };
    t.is((await call(app.baseUrl, 'DELETE', `/api/me/tokens/${id}`, b)).status, 404);
    t.is((await call(app.baseUrl, 'GET', '/api/me', { bearer: token })).status, 200);
  });

  test(`${kind}: creating and revoking tokens is audited without the token`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const user = await seedUser(app.database, 'a@example.com', 'agent');
    const session = await logIn(app.baseUrl, 'a@example.com');
    const { token, id } = (await (await call(app.baseUrl, 'POST', '/api/me/tokens', { ...session, body: { name: 'x' } })).json()) as {
      token: string;
      id: number;
    };
    await call(app.baseUrl, 'DELETE', `/api/me/tokens/${id}`, session);
    const rows = await rowsOf<{ action: string; actor_id: number; object_id: string }>(
      app.database,
      `select action, actor_id, object_id, details from audit_log where object_type = 'api_token' order by id`,
    );
    t.deepEqual(
      rows.map((r) => [r.action, r.actor_id, r.object_id]),
      [
        ['token.create', user.id, String(id)],
        ['token.revoke', user.id, String(id)],
      ],
    );
    t.false(JSON.stringify(rows).includes(token));
  });
}
