import test from 'ava';
import { call, logIn, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  test(`${kind}: login sets an HttpOnly SameSite=Lax session cookie and answers the user and a CSRF token`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'Agent@Example.com', 'agent');
    const login = await logIn(app.baseUrl, 'agent@example.COM');
    t.regex(login.setCookie, /^kefu_session=[A-Za-z0-9_-]{43};/);
    t.regex(login.setCookie, /httponly/i);
    t.regex(login.setCookie, /samesite=lax/i);
    t.regex(login.setCookie, /path=\//i);
    t.notRegex(login.setCookie, /secure/i, 'plain http: not Secure');
    t.like(login.answer.user, { email: 'Agent@Example.com', role: 'agent' });
    t.regex(login.csrf, /^[A-Za-z0-9_-]{43}$/);
    const me = await call(app.baseUrl, 'GET', '/api/me', { cookie: login.cookie });
    t.is(me.status, 200);
    t.like(await me.json(), { user: { email: 'Agent@Example.com', role: 'agent' }, via: 'session', csrfToken: login.csrf });
  });

  test(`${kind}: the session id is stored only as its SHA-256, never as the cookie's value`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const login = await logIn(app.baseUrl, 'a@example.com');
    const id = login.cookie.split('=')[1]!;
    const rows = await rowsOf(app.database, 'select * from staff_sessions');
    t.is(rows.length, 1);
    t.false(JSON.stringify(rows).includes(id));
  });

  test(`${kind}: every login rotates the session: the cookie held before no longer works`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const first = await logIn(app.baseUrl, 'a@example.com');
    const second = await logIn(app.baseUrl, 'a@example.com', undefined, { cookie: first.cookie });
    t.not(second.cookie, first.cookie);
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: first.cookie })).status, 401);
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: second.cookie })).status, 200);
  });

  test(`${kind}: logout ends the session and clears the cookie`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const login = await logIn(app.baseUrl, 'a@example.com');
    const out = await call(app.baseUrl, 'POST', '/api/auth/logout', { cookie: login.cookie, csrf: login.csrf });
    t.is(out.status, 204);
    t.regex(out.headers.getSetCookie().join('\n'), /kefu_session=;.*expires=Thu, 01 Jan 1970/i);
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: login.cookie })).status, 401);
  });

  test(`${kind}: an unsafe request with the session cookie needs the session's own CSRF token`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    await seedUser(app.database, 'b@example.com', 'agent');
    const a = await logIn(app.baseUrl, 'a@example.com');
    const b = await logIn(app.baseUrl, 'b@example.com');
    const body = { name: 'ci' };
    const missing = await call(app.baseUrl, 'POST', '/api/me/tokens', { cookie: a.cookie, body });
    t.is(missing.status, 403);
    t.like(await missing.json(), { error: 'csrf_failed' });
    const another = await call(app.baseUrl, 'POST', '/api/me/tokens', { cookie: a.cookie, csrf: b.csrf, body });
    t.is(another.status, 403, "another session's token does not fit");
    t.is((await call(app.baseUrl, 'POST', '/api/me/tokens', { cookie: a.cookie, csrf: a.csrf, body })).status, 201);
  });

  test(`${kind}: a request another site's page sends (its Origin) is refused, the login included`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const evil = { origin: 'https://evil.example' };
    const login = await call(app.baseUrl, 'POST', '/api/auth/login', { headers: evil, body: { email: 'a@example.com', password: 'x' } });
    t.is(login.status, 403);
    t.like(await login.json(), { error: 'cross_origin' });
    const a = await logIn(app.baseUrl, 'a@example.com', undefined, { headers: { origin: app.baseUrl } });
    const out = await call(app.baseUrl, 'POST', '/api/auth/logout', { cookie: a.cookie, csrf: a.csrf, headers: evil });
    t.is(out.status, 403);
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: a.cookie })).status, 200, 'the session lives on');
  });

  test(`${kind}: behind a trusted https proxy the cookie is Secure and named __Host-`, async (t) => {
    const app = await startConsoleApp(kind, { trustedProxyHops: 1 });
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const https = { 'x-forwarded-proto': 'https' };
    const response = await call(app.baseUrl, 'POST', '/api/auth/login', {
      headers: https,
      body: { email: 'a@example.com', password: 'a long enough test password' },
    });
    t.is(response.status, 200);
    const setCookie = response.headers.getSetCookie().join('\n');
    t.regex(setCookie, /^__Host-kefu_session=[^;]+;.*secure/i);
    const cookie = setCookie.split(';')[0]!;
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie, headers: https })).status, 200);
  });

  test(`${kind}: a session ends after its idle time, and each use moves that end forward`, async (t) => {
    const app = await startConsoleApp(kind, { lifetimes: { idleSeconds: 600, maxSeconds: 3600 } });
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const login = await logIn(app.baseUrl, 'a@example.com');
    // As if unused for a while: the end is near, the last use long ago.
    await app.database.execute(
      `update staff_sessions set expires_at = now() + interval '60 seconds', last_seen_at = now() - interval '9 minutes'`,
    );
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: login.cookie })).status, 200);
    const slid = await rowsOf<{ secondsLeft: number }>(
      app.database,
      `select extract(epoch from expires_at - now())::int as "secondsLeft" from staff_sessions`,
    );
    t.true(slid[0]!.secondsLeft > 590, `moved to idle time from now (${slid[0]!.secondsLeft} s left)`);
    await app.database.execute(`update staff_sessions set expires_at = now() - interval '1 second'`);
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: login.cookie })).status, 401);
  });

  test(`${kind}: sliding never carries a session past its absolute limit`, async (t) => {
    const app = await startConsoleApp(kind, { lifetimes: { idleSeconds: 600, maxSeconds: 3600 } });
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    const login = await logIn(app.baseUrl, 'a@example.com');
    await app.database.execute(
      `update staff_sessions set absolute_expires_at = now() + interval '30 seconds', last_seen_at = now() - interval '9 minutes'`,
    );
    t.is((await call(app.baseUrl, 'GET', '/api/me', { cookie: login.cookie })).status, 200);
    const left = await rowsOf<{ secondsLeft: number }>(
      app.database,
      `select extract(epoch from expires_at - now())::int as "secondsLeft" from staff_sessions`,
    );
    t.true(left[0]!.secondsLeft <= 30);
  });
}
