import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from './databases.ts';
import { REDIS_URL } from './wecom-service.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RoleProcess {
  child: ChildProcess;
  port: number;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  output: () => string;
}

/**
 * Starts kefu-hub as operators do (`node --import tsx src/main.ts <role>`), and resolves once it
 * logged that it started. `nodeArgs` go to node before the script (e.g. --cpu-prof, which
 * NODE_OPTIONS does not take).
 */
export async function startRole(
  role: 'all' | 'api' | 'worker',
  env: Record<string, string>,
  timeoutMs = 120_000,
  nodeArgs: string[] = [],
): Promise<RoleProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', role], {
    cwd: root,
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const port = await new Promise<number>((resolve, reject) => {
    // A process that did not start in time is killed: the caller never got it, so nothing else would.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role} did not start:\n${out}`));
    }, timeoutMs);
    const onData = () => {
      const m = /"port":(\d+)[^\n]*"msg":"kefu-hub started"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (${code}) before starting:\n${out}`));
    });
  });
  return { child, port, exited, output: () => out };
}

/**
 * The environment of roles scaled apart, as operators run them: one PostgreSQL, one Redis (under
 * `prefix`) and the widget secret all API processes must share.
 */
export function scaledOutEnv(database: TestDatabase, prefix: string): Record<string, string> {
  return {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    WEB_CHAT_SECRET: 'shared-secret-of-all-api-processes',
    COALESCE_WINDOW_MS: '0',
  };
}
