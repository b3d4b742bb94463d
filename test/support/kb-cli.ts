import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run kb -- <args>` as an operator would (the same script, a process of its own). */
export function runKb(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runScript('scripts/kb.ts', args, env);
}

/** Runs `npm run queue -- <args>` as an operator would. */
export function runQueueCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runScript('scripts/queue.ts', args, env);
}

/** Runs `npm run user -- <args>` as an operator would; `input` is piped to its stdin (e.g. for --password-stdin). */
export function runUserCli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return runScript('scripts/user.ts', args, env, input);
}

/** Runs `npm run web-sessions -- <args>` as an operator would. */
export function runWebSessionsCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runScript('scripts/web-sessions.ts', args, env);
}

/** Runs `npm run secrets -- <args>` as an operator would. */
export function runSecretsCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runScript('scripts/secrets.ts', args, env);
}

function runScript(script: string, args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Closed at once when there is nothing to give, as stdin was ignored before.
  child.stdin.end(input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // 'close', not 'exit': at 'exit' the child's output may still be in its pipes (Node's child_process docs).
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}
