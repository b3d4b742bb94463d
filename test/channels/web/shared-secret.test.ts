import test from 'ava';
import { startService } from '../../../src/composition.ts';
import { loadConfig } from '../../../src/config/env.ts';

/**
 * Several API processes each generating their own widget secret fail visitors' tokens whenever the
 * load balancer switches process: outside `npm start` a missing WEB_CHAT_SECRET stops the start.
 */
const oneLineNamingTheSecret = { message: /^WEB_CHAT_SECRET: required when [^\n]*openssl rand -base64 32[^\n]*$/ };
// Nothing answers here: a start that got past the secret check fails on Redis instead.
const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' };

test('the api and worker roles refuse to start without WEB_CHAT_SECRET, in one line saying how to make one', async (t) => {
  for (const role of ['api', 'worker'] as const) {
    await t.throwsAsync(startService(loadConfig(base), role), oneLineNamingTheSecret, role);
  }
});

test('NODE_ENV=production refuses to start without WEB_CHAT_SECRET even in one process', async (t) => {
  await t.throwsAsync(startService(loadConfig({ ...base, NODE_ENV: 'production' }), 'all'), oneLineNamingTheSecret);
});

test('with WEB_CHAT_SECRET set the start goes past the check', async (t) => {
  const env = { ...base, NODE_ENV: 'production', WEB_CHAT_SECRET: 'a-shared-secret-of-at-least-32-chars' };
  await t.throwsAsync(startService(loadConfig(env), 'api'), { message: /^REDIS_URL: nothing answers/ });
});

test('a WEB_CHAT_SECRET shorter than 32 characters is refused', (t) => {
  t.throws(() => loadConfig({ WEB_CHAT_SECRET: 'x'.repeat(31) }), { message: /^WEB_CHAT_SECRET: at least 32 characters/ });
});
