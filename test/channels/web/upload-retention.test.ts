import test from 'ava';
import { eq, sql } from 'drizzle-orm';
import { deleteExpiredUploads } from '../../../src/channels/web/upload-retention.ts';
import { loadConfig } from '../../../src/config/env.ts';
import { webUploads } from '../../../src/db/schema.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { eventually, type Harness, startHarness } from '../../support/wecom-service.ts';
import { WebVisitor } from '../../support/web-visitor.ts';

const picture = (fill: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, fill)]);

/** Two uploads of one visitor, the first made older than `ageDays`: resolves with their URLs and ids. */
async function oneOldOneNew(h: Harness, ageDays: number) {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const urls: string[] = [];
  for (const fill of [1, 2]) {
    const res = await visitor.upload(picture(fill), `${fill}.png`);
    if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
    urls.push(((await res.json()) as { message: { attachment: { url: string } } }).message.attachment.url);
  }
  const [oldId, newId] = urls.map((url) => url.split('/').pop()!) as [string, string];
  await h.service.db
    .update(webUploads)
    .set({ createdAt: sql`now() - make_interval(days => ${ageDays})` })
    .where(eq(webUploads.id, oldId));
  const status = (url: string) => visitor.download(url).then((r) => r.status);
  return { urls, oldId, newId, status };
}

test('postgres: the retention sweep deletes uploads older than WEB_CHAT_UPLOAD_RETENTION_DAYS, in batches, and keeps newer ones', async (t) => {
  // The api role runs no sweep of its own: this test's call is the only one.
  const h = await startHarness({ database: 'postgres', role: 'api', env: { WEB_CHAT_UPLOAD_RETENTION_DAYS: '7' } });
  t.teardown(() => h.close());
  const { urls, oldId, newId, status } = await oneOldOneNew(h, 8);
  // More expired rows than one delete takes, to prove the sweep goes on until none is left.
  await h.service.db.execute(sql`
    insert into web_uploads (id, channel_account_id, owner, kind, content_type, name, size, bytes, created_at)
    select md5(random()::text || n), u.channel_account_id, u.owner, 'file', 'application/octet-stream', 'old.bin', 1, '\\x00', now() - interval '30 days'
      from generate_series(1, 1200) n, web_uploads u where u.id = ${oldId}`);

  const metrics = createMetrics();
  t.is(await deleteExpiredUploads(h.service.db, loadConfig(h.env).accounts.web, metrics), 1201);
  const left = await h.service.db.select({ id: webUploads.id }).from(webUploads);
  t.deepEqual(
    left.map((r) => r.id),
    [newId],
  );
  t.is(await status(urls[0]!), 404, 'an expired file is gone');
  t.is(await status(urls[1]!), 200, 'a recent one is still served');
  const text = await metrics.registry.metrics();
  t.regex(text, /kefu_web_uploads_deleted_total\{account="default"\} 1201/);
  t.regex(text, new RegExp(`kefu_web_upload_bytes_stored\\{account="default"\\} ${picture(2).length}`));
});

test('pglite: the service sweeps expired uploads by itself and reports what it keeps', async (t) => {
  const h = await startHarness({ database: 'pglite', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const { newId } = await oneOldOneNew(h, 31);
  // The first sweep runs shortly after start, then hourly.
  await eventually(
    async () => {
      const left = await h.service.db.select({ id: webUploads.id }).from(webUploads);
      return left.length === 1 && left[0]!.id === newId;
    },
    30_000,
    'the expired upload deleted',
  );
  const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
  t.regex(text, /kefu_web_uploads_deleted_total\{account="default"\} 1/);
  t.regex(text, new RegExp(`kefu_web_upload_bytes_stored\\{account="default"\\} ${picture(2).length}`));
});
