import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A plain clone has nothing beside it: the tests that check the callback crypto against the
 * official vectors must find them inside the repository. The repository's files are copied to an
 * empty directory (with node_modules linked in) and those tests run there.
 */
test('the crypto tests run from a copy of the repository with nothing beside it', (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'kefu-clone-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const clone = join(parent, 'kefu-hub');
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    // Deleted but not yet committed files are listed too.
    .filter((file) => file && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(root, file), join(clone, file), { force: true });
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/ava/entrypoints/cli.mjs'),
      'test/channels/wecom/callback-crypto.test.ts',
      'test/channels/shared/wx-xml.test.ts',
    ],
    { cwd: clone, encoding: 'utf8', timeout: 50_000 },
  );
  t.is(run.status, 0, run.stdout + run.stderr);
});
