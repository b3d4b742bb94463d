/**
 * Where a process's CPU went, from a V8 .cpuprofile (node --cpu-prof): the top entries of the flame
 * graph as a table, so the figures in docs/performance.md can be made again from a profile.
 *
 *   node --import tsx scripts/summarize-cpu-profile.ts <file.cpuprofile> [--by package|file|function]
 *     [--top 15] [--window window.json]
 *
 * Self time is what a frame spent in itself; inclusive time is what was spent while it was on the
 * stack, counted once per sample however often it recurses. Entries are grouped by npm package
 * (node_modules/<package>), by the project's own file (src/…), by Node's internals (node:…), or by
 * V8's own entries ((garbage collector), (program)). Idle time is left out: percentages are of the
 * busy time. `--window` takes {"fromUs","toUs"} in the monotonic clock the profile uses (the
 * ingestion bench writes one beside the profile), so start-up and warm-up are not counted; with
 * "items" (the requests answered in it) each entry is also given in µs per item, which compares
 * across runs where percentages do not.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { table } from '../bench/support/environment.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

type Grouping = 'package' | 'file' | 'function';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    by: { type: 'string', default: 'package' },
    top: { type: 'string', default: '15' },
    window: { type: 'string' },
  },
});
const [file] = positionals;
if (!file || !['package', 'file', 'function'].includes(values.by)) {
  console.error('usage: summarize-cpu-profile.ts <file.cpuprofile> [--by package|file|function] [--top 15] [--window window.json]');
  process.exit(2);
}
const by = values.by as Grouping;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const window = values.window
  ? (JSON.parse(readFileSync(values.window, 'utf8')) as { fromUs: number; toUs: number; items?: number })
  : undefined;

/** The group a frame's time is counted in: a package, a project file, a Node internal, or V8's own. */
function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName || '(anonymous)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  const place = inPackage
    ? by === 'package'
      ? inPackage[1]!
      : `${inPackage[1]}/${inPackage[2]}`
    : url.startsWith('node:')
      ? by === 'package'
        ? 'node: (internals)'
        : url
      : url.replace(/^file:\/\/.*?\/(src|bench|test|scripts)\//, '$1/').replace(/\?.*$/, '');
  return by === 'function' ? `${functionName || '(anonymous)'} ${place}:${frame.lineNumber + 1}` : place;
}

const parent = new Map<number, number>();
const byId = new Map<number, ProfileNode>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
let busyUs = 0;
let idleUs = 0;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i]!;
  if (window && (at < window.fromUs || at > window.toUs)) continue;
  // A sample's time is the gap to the next one (V8 records the gap before each sample).
  const us = profile.timeDeltas[i + 1] ?? 0;
  const leaf = byId.get(profile.samples[i]!)!;
  if (leaf.callFrame.functionName === '(idle)') {
    idleUs += us;
    continue;
  }
  busyUs += us;
  add(self, groupOf(leaf.callFrame), us);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(root)') continue;
    const group = groupOf(frame);
    if (!seen.has(group)) {
      seen.add(group);
      add(inclusive, group, us);
    }
  }
}

const top = Number(values.top);
const ms = (us: number) => (us / 1000).toFixed(0);
const pct = (us: number) => `${((100 * us) / Math.max(busyUs, 1)).toFixed(1)} %`;
const items = window?.items;
const rows = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([group, us]) => [group, ms(us), pct(us), ...(items ? [Math.round(us / items)] : [])]);
const header = [by, 'ms', 'of busy', ...(items ? ['µs per item'] : [])];

const perItem = items ? `, ${items} items: ${Math.round(busyUs / items)} µs busy per item` : '';
console.log(`busy ${ms(busyUs)} ms, idle ${ms(idleUs)} ms${window ? ' (inside the window)' : ''}${perItem}; grouped by ${by}\n`);
console.log(`#### Self time\n\n${table(header, rows(self))}\n`);
console.log(`#### Inclusive time\n\n${table(header, rows(inclusive))}`);
