/**
 * npm run typecheck — the server, the widget and the console, type-checked. tsc is single-threaded,
 * so the server's check (the longest, about 25 s) runs beside the others instead of before them:
 * on CI's two cores the whole check takes about as long as the server's alone, not 40 s.
 * The console's check needs its API types regenerated from the server's OpenAPI document first.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const tsc = (project: string) => ['npx', ['tsc', '--noEmit', '-p', project]] as const;

/** Runs the steps one after another; resolves to what failed, printing each one's output. */
async function inOrder(steps: ReadonlyArray<readonly [string, readonly string[]]>): Promise<string[]> {
  for (const [command, args] of steps) {
    const name = [command, ...args].join(' ');
    try {
      const { stdout, stderr } = await run(command, args, { maxBuffer: 64 * 1024 * 1024 });
      process.stdout.write(stdout);
      process.stderr.write(stderr);
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      return [name];
    }
  }
  return [];
}

const failed = (
  await Promise.all([
    inOrder([tsc('.')]),
    inOrder([tsc('widget'), ['node', ['--import', 'tsx', 'scripts/console-api-types.ts']], tsc('console')]),
  ])
).flat();
if (failed.length > 0) {
  console.error(`type check failed: ${failed.join('; ')}`);
  process.exit(1);
}
