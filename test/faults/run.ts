import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { RESULTS_FILE, type Verdict } from './support/verdict.ts';

/**
 * npm run test:faults — runs the fault scenarios (ava, ava.faults.config.js; extra arguments are
 * passed on, e.g. one file), then prints the table of figures that docs/reliability.md keeps.
 */
rmSync(RESULTS_FILE, { force: true });
const ava = spawnSync('npx', ['ava', '--config', 'ava.faults.config.js', ...process.argv.slice(2)], { stdio: 'inherit' });
const rows: Verdict[] = existsSync(RESULTS_FILE)
  ? readFileSync(RESULTS_FILE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
  : [];
const header = [
  'scenario',
  'sent',
  'acked',
  'answered',
  'duplicates',
  'lost',
  'p99 ack ms',
  'p99 reply s',
  'stored unacked, answered',
  'notes',
];
const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
console.log(`\n${line(header)}\n${line(header.map(() => '---'))}`);
for (const r of rows)
  console.log(
    line([r.scenario, r.sent, r.acked, r.answered, r.duplicates, r.lost, r.p99AckMs, r.p99ReplyS, r.answeredUnacked, r.note ?? '']),
  );
process.exit(ava.status ?? 1);
