import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { eventually, REDIS_URL } from '../support/wecom-service.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every process below `pid` (Linux /proc), children first. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      // The command name in parentheses may contain spaces: the fields after its ")" are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const below = (p: number): number[] => [...parentOf].filter(([, parent]) => parent === p).flatMap(([child]) => [child, ...below(child)]);
  return below(pid);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('SIGTERM to the npm process of `npm start` stops the node service too, after its drain', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-npm-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL,
      REDIS_PREFIX: `npmstart${process.pid}`,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout.on('data', (d) => (out += d));
  npm.stderr.on('data', (d) => (out += d));
  let nodePids: number[] = [];
  t.teardown(() => {
    for (const pid of nodePids.filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  // As long as startRole allows a spawned service (test/support/processes.ts): a bound a loaded
  // machine cannot reach, which costs nothing when the start is quick.
  t.timeout(180_000);
  await eventually(() => out.includes('"msg":"kefu-hub started"'), 120_000, 'npm start to start').catch((err: Error) => {
    throw new Error(`${err.message}:\n${out}`);
  });
  // The shell npm runs the script with has the same command line as an argument: keep node itself.
  nodePids = descendants(npm.pid!).filter((pid) => {
    const [exe, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return exe!.endsWith('node') && args.includes('src/main.ts');
  });
  t.is(nodePids.length, 1, 'one node process serves');

  npm.kill('SIGTERM');
  for (let waited = 0; alive(nodePids[0]!) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  t.false(alive(nodePids[0]!), `node still serving after npm got SIGTERM:\n${out}`);
  t.regex(out, /"signal":"parent exited"/);
  t.regex(out, /"msg":"stopped"/);
});
