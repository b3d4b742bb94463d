import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

/** `npm run eval` as a person types it, from the repository root. */
function runEval(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', ...args], { encoding: 'utf8', timeout: 50_000 });
}

/** A one-business eval folder with a dev file and, unless asked, no held-out file at all. */
function tinyDomains(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'kefu-eval-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'clinic');
  mkdirSync(dir);
  writeFileSync(join(dir, 'domain.json'), JSON.stringify({ description: 'a clinic' }));
  writeFileSync(
    join(dir, 'kb.csv'),
    'question,answer,similar\n怎么预约看牙？,拨打前台电话预约。,如何挂号\n洗牙多少钱？,洗牙 200 元一次。,洗牙价格\n',
  );
  const ask = (question: string, expected: string | null) =>
    JSON.stringify({ question, expected, intent: expected ? 'faq' : 'out_of_scope' });
  writeFileSync(
    join(dir, 'dev.jsonl'),
    [ask('洗牙要多少钱', '洗牙多少钱？'), ask('怎么挂号', '怎么预约看牙？'), ask('机票怎么退', null)].join('\n'),
  );
  return root;
}

test('--dev measures the dev part without reading a held-out file, and prints no held-out figure', (t) => {
  const run = runEval('--dev', '--misses', '--domains', tinyDomains(t));
  t.is(run.status, 0, run.stderr);
  t.regex(run.stdout, /clinic +dev\n/);
  t.regex(run.stdout, /hit@1 \(answered with the right entry\) +\d+\.\d%\n/);
  t.notRegex(run.stdout, /held-out +dev|target [≥≤]/);
});

test('without --dev the held-out file is required, so a dev-only folder fails loudly', (t) => {
  const run = runEval('--domains', tinyDomains(t));
  t.not(run.status, 0);
  t.regex(run.stderr, /heldout\.jsonl/);
});

test('--help prints the usage from the script header and exits 0; an unknown option prints it and fails', (t) => {
  const help = runEval('--help');
  t.is(help.status, 0, help.stderr);
  t.regex(help.stdout, /^npm run eval — measures the offline brain/);
  t.regex(help.stdout, /--dev \[--misses\]/);
  t.notRegex(help.stdout, /^ \*/m);

  const unknown = runEval('--bogus');
  t.is(unknown.status, 2);
  t.regex(unknown.stderr, /Unknown option '--bogus'[\s\S]*npm run eval — measures/);
});
