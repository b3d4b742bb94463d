import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { webUploads } from '../../../src/db/schema.ts';
import { createTestDatabase } from '../../support/databases.ts';
import { scaledOutEnv, startRole } from '../../support/processes.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { WebVisitor } from '../../support/web-visitor.ts';
import { deleteRedisPrefix, startHarness } from '../../support/wecom-service.ts';

/** Uploads live in the database: any API process serves any visitor's file, on either database. */
const picture = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000, 9)]);

test.serial('a file uploaded through one API process is served by another that shares no DATA_DIR with it', async (t) => {
  const database = await createTestDatabase('postgres');
  const prefix = `webupl${Date.now()}`;
  const env = scaledOutEnv(database, prefix);
  const [one, two] = await Promise.all(
    [1, 2].map((i) => startRole('api', { ...env, DATA_DIR: mkdtempSync(join(tmpdir(), `kefu-api-${i}-`)) })),
  );
  t.teardown(async () => {
    for (const p of [one!, two!]) p.child.kill('SIGKILL');
    await deleteRedisPrefix(prefix);
    await database.drop();
  });

  const uploader = new WebVisitor(`http://127.0.0.1:${one!.port}`);
  await uploader.startSession();
  const res = await uploader.upload(picture, '商品照片.png');
  t.is(res.status, 202);
  const { message } = (await res.json()) as { message: { attachment: { url: string } } };

  // The ticket is issued by one process and honoured by the other: they derive the same keys.
  const fileId = message.attachment.url.slice(message.attachment.url.lastIndexOf('/') + 1);
  const ticket = await uploader.ticketFor({ purpose: 'download', fileId });
  const served = await fetch(`http://127.0.0.1:${two!.port}${message.attachment.url}?ticket=${encodeURIComponent(ticket)}`);
  t.is(served.status, 200);
  t.is(served.headers.get('content-type'), 'image/png');
  t.deepEqual(Buffer.from(await served.arrayBuffer()), picture);

  const stranger = new WebVisitor(`http://127.0.0.1:${two!.port}`);
  await stranger.startSession();
  t.is((await stranger.download(message.attachment.url)).status, 404, 'still only to its sender');
});

test.serial('pglite: uploads are kept in the embedded database and served back', async (t) => {
  const h = await startHarness({ database: 'pglite', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const res = await visitor.upload(picture, 'photo.png');
  t.is(res.status, 202);
  const { message } = (await res.json()) as { message: { attachment: { url: string } } };
  const served = await visitor.download(message.attachment.url);
  t.is(served.status, 200);
  t.deepEqual(Buffer.from(await served.arrayBuffer()), picture);
  const [row] = await h.service.db.select().from(webUploads);
  t.is(row?.owner, visitor.visitorId);
  t.is(row?.size, picture.length);
});
