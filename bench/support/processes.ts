import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts a bench target script (bench/targets/*.ts) and resolves with its first JSON line. */
export async function startTarget(
  script: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; lines: (fn: (line: unknown) => void) => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const listeners: Array<(line: unknown) => void> = [];
  let buffer = '';
  const first = new Promise<{ port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        clearTimeout(timer);
        resolve(parsed as { port: number });
        for (const l of listeners) l(parsed);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
  const { port } = await first;
  return { child, port, lines: (fn) => listeners.push(fn) };
}
