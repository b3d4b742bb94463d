import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { FakeWecomApi } from '../../src/simulator/fake-wecom-api.ts';
import { sealWecomCallback, wecomTextXml, type SealedCallback } from '../../src/simulator/wecom-callback.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { app, appEnv, deleteRedisPrefix, keys, REDIS_URL } from '../../test/support/wecom-service.ts';

/**
 * What every pipeline benchmark needs: a throwaway PostgreSQL database, a Redis prefix of its own on
 * the local Redis, WeCom faked on loopback, and the service environment pointing at them.
 */
export interface BenchEnvironment {
  wecom: FakeWecomApi;
  database: TestDatabase;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function benchEnvironment(extra: Record<string, string> = {}): Promise<BenchEnvironment> {
  const wecom = new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId });
  const apiBase = await wecom.listen();
  const database = await createTestDatabase('postgres');
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const env = {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...appEnv(apiBase),
    COALESCE_WINDOW_MS: '0',
    // The api and worker roles refuse to start without a shared widget secret.
    WEB_CHAT_SECRET: 'bench-web-chat-secret-shared-by-all-roles',
    ...extra,
  };
  return {
    wecom,
    database,
    env,
    async close() {
      await wecom.close();
      await deleteRedisPrefix(prefix);
      await database.drop();
    },
  };
}

/** `count` encrypted text callbacks from `customers` distinct customers, each with a MsgId of its own. */
export function sealedCallbacks(count: number, customers = count, text = '营业时间'): SealedCallback[] {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) =>
    sealWecomCallback(
      keys,
      app.agentId,
      wecomTextXml({
        toCorp: app.corpId,
        agentId: app.agentId,
        from: `b${run}-${i % customers}`,
        text,
        msgId: `${Date.now()}${String(i).padStart(8, '0')}`,
      }),
    ),
  );
}

export const CALLBACK_PATH = '/callbacks/wecom/default';
export { app, keys };

export function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  let pg = '';
  try {
    pg = readFileSync('/usr/lib/postgresql/15/bin/postgres', { encoding: 'latin1' }).includes('15.') ? 'PostgreSQL 15' : '';
  } catch {
    pg = '';
  }
  return `${cpus().length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}${pg ? `, ${pg}` : ''}`;
}

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
