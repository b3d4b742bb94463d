import test from 'ava';
import { call, logIn, PASSWORD, seedUser, startConsoleApp } from '../support/console-api.ts';
import { captureLogs } from '../support/captured-logs.ts';

test('passwords, session cookies, CSRF tokens and API tokens never reach the logs, even when a call site passes them', async (t) => {
  const logs = captureLogs('trace');
  const app = await startConsoleApp('postgres', { logger: logs.logger });
  t.teardown(app.close);
  await seedUser(app.database, 'a@example.com', 'agent');
  await call(app.baseUrl, 'POST', '/api/auth/login', { body: { email: 'a@example.com', password: 'a wrong guess of a password' } });
  const session = await logIn(app.baseUrl, 'a@example.com');
  const created = await call(app.baseUrl, 'POST', '/api/me/tokens', { ...session, body: { name: 'x' } });
  const { token } = (await created.json()) as { token: string };
  await call(app.baseUrl, 'POST', '/api/me/tokens', { cookie: session.cookie, body: { name: 'no csrf' } });
  await call(app.baseUrl, 'GET', '/api/users', { bearer: token });
  await call(app.baseUrl, 'GET', '/api/me', { bearer: `${token}x` });

  // A careless call site: the logger's redaction is the last line of defence.
  logs.logger.warn(
    {
      password: PASSWORD,
      csrfToken: session.csrf,
      headers: { cookie: session.cookie, authorization: `Bearer ${token}`, 'x-csrf-token': session.csrf },
      request: { headers: { cookie: session.cookie, authorization: `Bearer ${token}` }, body: { password: PASSWORD } },
      login: { password: PASSWORD },
    },
    'a careless line',
  );
  const raw = logs.raw();
  t.true(
    logs.lines.some((l) => l.msg === 'request refused'),
    'the refusals were logged',
  );
  t.true(raw.includes('a careless line'));
  for (const secret of [PASSWORD, 'a wrong guess of a password', session.cookie.split('=')[1]!, session.csrf, token.slice(4)]) {
    t.false(raw.includes(secret), `leaked: ${secret.slice(0, 6)}…`);
  }
});
