import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU of a benchmark goes: user + system time of each part (kefu-hub's processes,
 * PostgreSQL, Redis, the load generator in this process), from /proc (Linux). Throughput on a
 * shared machine is bounded by the sum, so CPU per message says what a goal costs and which part
 * to make cheaper. PostgreSQL backends that exit during a run take their time with them (they
 * live as long as the pools, i.e. the whole run, in these benchmarks).
 */
export type CpuParts = Record<string, () => number[]>;

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux that Node supports

function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the "(comm)" one: utime and stime are the 12th and 13th (proc(5)).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // gone, or no /proc
  }
}

/** The pids of the processes whose command name starts with `name` (e.g. "postgres", "redis-server"). */
export function pidsNamed(name: string): () => number[] {
  return () => {
    let entries: string[];
    try {
      entries = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return [];
    }
    return entries.map(Number).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith(name);
      } catch {
        return false;
      }
    });
  };
}

/**
 * The PostgreSQL processes that work for `database`: its backends (and autovacuum workers) and the
 * server's own processes (WAL writer, checkpointer, …), which write for every database; not the
 * backends of other databases, which on a shared machine belong to other runs. Read from each
 * process's title (`postgres: 15/main: <user> <database> 127.0.0.1(port) idle`).
 */
export function postgresServing(database: string): () => number[] {
  const all = pidsNamed('postgres');
  return () =>
    all().filter((pid) => {
      let title: string;
      try {
        title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return false;
      }
      const client = / (\S+) (?:[\d.:a-f]+\(\d+\)|\[local\])/.exec(title) ?? /autovacuum worker (\S+)/.exec(title);
      return !client || client[1] === database;
    });
}

export const thisProcess = (): number[] => [process.pid];

/** Starts counting; the returned function gives each part's CPU seconds since. */
export function startCpuCount(parts: CpuParts): () => Record<string, number> {
  const before = new Map<number, number>();
  for (const pids of Object.values(parts)) for (const pid of pids()) before.set(pid, cpuSecondsOf(pid));
  // A process started since counts from zero; one that exited since counts nothing.
  const spentSince = (pid: number) => cpuSecondsOf(pid) - (before.get(pid) ?? 0);
  return () =>
    Object.fromEntries(Object.entries(parts).map(([name, pids]) => [name, pids().reduce((sum, pid) => sum + spentSince(pid), 0)]));
}

/** µs of CPU per item for each part, and a one-line "api 412 · PostgreSQL 270 · … (total …)". */
export function cpuPerItem(seconds: Record<string, number>, items: number): { text: string; parts: Record<string, number> } {
  const parts = Object.fromEntries(Object.entries(seconds).map(([name, s]) => [name, Math.round((s * 1e6) / Math.max(items, 1))]));
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  const each = Object.entries(parts).map(([name, us]) => `${name} ${us}`);
  return { text: `${each.join(' · ')} (total ${total})`, parts };
}
