import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * A redis-server of the scenario's own on a spare loopback port, so it can be killed and restarted
 * without touching the machine's shared Redis. `aof` turns on the append-only file
 * (appendfsync everysec, Redis's default when AOF is on); without it nothing is persisted.
 */
export class DedicatedRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'kefu-fault-redis-'));
  port = 0;
  private child?: ChildProcess;

  constructor(private readonly aof: boolean) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--maxmemory-policy', 'noeviction'];
    args.push(...(this.aof ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']));
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {}); // refused while the server starts: the loop below retries
      const ok = await probe
        .connect()
        .then(
          () => probe.ping(),
          () => undefined,
        )
        .catch(() => undefined);
      probe.disconnect();
      if (ok === 'PONG') return;
      if (Date.now() > deadline) throw new Error('dedicated redis-server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** kill -9: whatever was not yet written to the AOF is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    // A child killed by a signal has signalCode set and exitCode null: it will not exit again.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
