import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * scripts/ensure-services.sh on a machine whose PostgreSQL asks for a password. The PostgreSQL,
 * Redis and package tools it calls are stand-ins on PATH that record their calls, and so is `sh`,
 * through which the script writes pg_hba.conf: the machine's own configuration is never touched.
 */
function runEnsureServices(env: Record<string, string>) {
  const bin = mkdtempSync(join(tmpdir(), 'kefu-ensure-'));
  const calls = join(bin, 'calls.log');
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${calls}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub('pg_ctlcluster', 'exit 0');
  stub('pg_isready', 'exit 0');
  stub('psql', 'echo "psql: fe_sendauth: no password supplied" >&2; exit 2');
  stub('sh', 'cat > /dev/null; exit 0');
  stub('redis-cli', 'echo PONG');
  stub('apt-get', 'exit 0');
  stub('sudo', 'exec "$@"');
  const { CI: _ci, KEFU_TEST_PG_TRUST: _trust, TEST_POSTGRES_URL: _url, ...inherited } = process.env;
  const run = spawnSync('bash', ['scripts/ensure-services.sh'], {
    cwd: root,
    env: { ...inherited, PATH: `${bin}:${process.env.PATH}`, ...env },
    encoding: 'utf8',
  });
  const log = existsSync(calls) ? readFileSync(calls, 'utf8') : '';
  rmSync(bin, { recursive: true, force: true });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, hbaRewritten: /^sh -c cat - \S+pg_hba\.conf/m.test(log) };
}

test('without CI=true or KEFU_TEST_PG_TRUST=1, pg_hba.conf is left alone and the script says how to let the tests connect', (t) => {
  const run = runEnsureServices({});
  t.false(run.hbaRewritten);
  t.is(run.status, 1);
  t.regex(run.stderr, /asks user postgres for a password/);
  t.regex(run.stderr, /TEST_POSTGRES_URL=postgres:\/\/USER:PASSWORD@127\.0\.0\.1:5432\/postgres npm test/);
  t.regex(run.stderr, /KEFU_TEST_PG_TRUST=1 npm test/);
});

for (const [asked, env] of [
  ['CI=true', { CI: 'true' }],
  ['KEFU_TEST_PG_TRUST=1', { KEFU_TEST_PG_TRUST: '1' }],
] as const) {
  test(`with ${asked}, loopback is trusted in pg_hba.conf and the script prints the lines it adds`, (t) => {
    const run = runEnsureServices(env);
    t.true(run.hbaRewritten);
    t.is(run.status, 0, run.stderr);
    t.regex(
      run.stdout,
      /adding to the top of \/etc\/postgresql\/\S+\/main\/pg_hba\.conf, then reloading PostgreSQL:\n {2}host all all 127\.0\.0\.1\/32 trust # kefu-hub\n {2}host all all ::1\/128 trust # kefu-hub/,
    );
  });
}
