import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startRole } from '../support/processes.ts';
import { REDIS_URL } from '../support/wecom-service.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-simulate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const SIMULATE_LIMIT_MS = 150_000;

/** `npm run simulate` with `lines` typed and then Ctrl-D; resolves with everything it printed. */
function simulate(lines: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--api-port', '0'], {
    cwd: root,
    env: { ...process.env, REDIS_URL, COALESCE_WINDOW_MS: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  // A bound a loaded machine cannot reach (the simulator starts a whole kefu-hub and imports the
  // demo knowledge base); the tests that call this allow for it with t.timeout.
  const killer = setTimeout(() => child.kill('SIGKILL'), SIMULATE_LIMIT_MS);
  return new Promise((resolve) =>
    child.once('exit', () => {
      clearTimeout(killer);
      resolve(out);
    }),
  );
}

test.serial('with `npm start` already running on PORT, simulate starts a kefu-hub of its own and the customer gets answers', async (t) => {
  t.timeout(120_000 + SIMULATE_LIMIT_MS + 10_000);
  const running = await startRole('all', { DATA_DIR: tempDir(t), REDIS_URL, REDIS_PREFIX: `simrun${process.pid}` });
  t.teardown(() => running.child.kill('SIGKILL'));
  const out = await simulate(['多久发货？'], { PORT: String(running.port), DATA_DIR: tempDir(t), REDIS_PREFIX: `simown${process.pid}` });
  t.notRegex(out, /answered 404/);
  t.regex(out, new RegExp(`port ${running.port} \\(PORT\\) is taken`));
  t.regex(out, /客服 > 现货商品付款后48小时内发货/);
});

test.serial('simulate starts its kefu-hub on PORT when that is free', async (t) => {
  t.timeout(SIMULATE_LIMIT_MS + 10_000);
  const port = await freePort();
  const out = await simulate(['能开发票吗'], { PORT: String(port), DATA_DIR: tempDir(t), REDIS_PREFIX: `simport${process.pid}` });
  t.regex(out, new RegExp(`starting kefu-hub on port ${port} `));
  t.regex(out, /客服 > .*发票/);
});
