import test from 'ava';
import { call, logIn, PASSWORD, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  test(`${kind}: an admin creates an account, changes its role and disables it, each step audited`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const admin = await seedUser(app.database, 'admin@example.com', 'admin');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    const created = await call(app.baseUrl, 'POST', '/api/users', {
      ...session,
      body: { email: 'New.Agent@example.com', displayName: '小王', role: 'agent', password: PASSWORD },
    });
    t.is(created.status, 201);
    const user = (await created.json()) as { id: number; role: string; displayName: string };
    t.like(user, { role: 'agent', displayName: '小王', disabled: false });
    t.false('passwordHash' in user);

    const agent = await logIn(app.baseUrl, 'new.agent@example.com');
    const promoted = await call(app.baseUrl, 'PATCH', `/api/users/${user.id}`, { ...session, body: { role: 'supervisor' } });
    t.like(await promoted.json(), { role: 'supervisor' });
    t.like(
      await (await call(app.baseUrl, 'GET', '/api/me', agent)).json(),
      { user: { role: 'supervisor' } },
      'the role is read on every request',
    );

    const disabled = await call(app.baseUrl, 'PATCH', `/api/users/${user.id}`, { ...session, body: { disabled: true } });
    t.like(await disabled.json(), { disabled: true });
    t.is((await call(app.baseUrl, 'GET', '/api/me', agent)).status, 401, 'its sessions ended');
    t.is(
      (await call(app.baseUrl, 'POST', '/api/auth/login', { body: { email: 'new.agent@example.com', password: PASSWORD } })).status,
      401,
    );

    const audit = await rowsOf<{ actor_id: number; action: string; object_id: string; details: Record<string, unknown> }>(
      app.database,
      `select actor_id, action, object_id, details from audit_log where action like 'user.%' and object_id = '${user.id}' order by id`,
    );
    t.deepEqual(
      audit.map((r) => [r.actor_id, r.action, r.details]),
      [
        [admin.id, 'user.create', { email: 'New.Agent@example.com', role: 'agent' }],
        [admin.id, 'user.role_change', { from: 'agent', to: 'supervisor' }],
        [admin.id, 'user.disable', { email: 'New.Agent@example.com' }],
      ],
    );
    t.false(JSON.stringify(audit).includes(PASSWORD));
  });

  test(`${kind}: a disabled account's API tokens stop working at once`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'admin@example.com', 'admin');
    const agent = await seedUser(app.database, 'a@example.com', 'agent');
    const admin = await logIn(app.baseUrl, 'admin@example.com');
    const a = await logIn(app.baseUrl, 'a@example.com');
    const { token } = (await (await call(app.baseUrl, 'POST', '/api/me/tokens', { ...a, body: { name: 'x' } })).json()) as {
      token: string;
    };
    await call(app.baseUrl, 'PATCH', `/api/users/${agent.id}`, { ...admin, body: { disabled: true } });
    t.is((await call(app.baseUrl, 'GET', '/api/me', { bearer: token })).status, 401);
    await call(app.baseUrl, 'PATCH', `/api/users/${agent.id}`, { ...admin, body: { disabled: false } });
    t.is((await call(app.baseUrl, 'GET', '/api/me', { bearer: token })).status, 200, 'enabled again, the token works again');
  });

  test(`${kind}: emails are unique whatever their case`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'admin@example.com', 'admin');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    const again = await call(app.baseUrl, 'POST', '/api/users', {
      ...session,
      body: { email: 'ADMIN@Example.com', role: 'agent', password: PASSWORD },
    });
    t.is(again.status, 409);
    t.like(await again.json(), { error: 'email_taken' });
    const creations = await rowsOf(app.database, `select 1 from audit_log where action = 'user.create'`);
    t.is(creations.length, 1, 'the refused creation left no audit entry: they commit together');
  });

  test(`${kind}: a weak password is refused when an admin creates an account`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'admin@example.com', 'admin');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    for (const password of ['', 'short', 'aaaaaaaaaaaaaaaa']) {
      const response = await call(app.baseUrl, 'POST', '/api/users', {
        ...session,
        body: { email: 'b@example.com', role: 'agent', password },
      });
      t.is(response.status, 400, password);
      t.like(await response.json(), { error: 'weak_password' });
    }
  });

  test(`${kind}: the last enabled admin can be neither demoted nor disabled`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const admin = await seedUser(app.database, 'admin@example.com', 'admin');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    for (const body of [{ role: 'agent' }, { disabled: true }]) {
      const response = await call(app.baseUrl, 'PATCH', `/api/users/${admin.id}`, { ...session, body });
      t.is(response.status, 409);
      t.like(await response.json(), { error: 'last_admin' });
    }
    const second = await seedUser(app.database, 'second@example.com', 'admin');
    t.is((await call(app.baseUrl, 'PATCH', `/api/users/${admin.id}`, { ...session, body: { role: 'agent' } })).status, 200);
    const other = await logIn(app.baseUrl, 'second@example.com');
    t.is((await call(app.baseUrl, 'PATCH', `/api/users/${second.id}`, { ...other, body: { disabled: true } })).status, 409);
  });

  test(`${kind}: requests are validated: unknown roles, bad ids and empty changes are 400`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'admin@example.com', 'admin');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/api/users', { email: 'x@example.com', role: 'owner', password: PASSWORD }],
      ['POST', '/api/users', { email: 'not an email', role: 'agent', password: PASSWORD }],
      ['PATCH', '/api/users/abc', { role: 'agent' }],
      ['PATCH', '/api/users/1', {}],
      ['POST', '/api/me/tokens', { name: '' }],
      ['POST', '/api/users', { email: 'x\u0000@example.com', role: 'agent', password: PASSWORD }],
    ];
    for (const [method, path, body] of cases) {
      const response = await call(app.baseUrl, method, path, { ...session, body });
      t.is(response.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
    }
  });
}
