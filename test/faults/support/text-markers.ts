import { randomBytes } from 'node:crypto';

/**
 * Every customer text a hostile scenario sends carries a marker unique to the run; a log line at
 * info or above that holds one is customer text in the logs. Markers are plain ASCII, so whatever
 * escaping a logger applies to the text around them, they stay findable.
 */
export class TextMarkers {
  readonly prefix = `hx${randomBytes(4).toString('hex')}`;
  private count = 0;

  next(): string {
    return `${this.prefix}m${this.count++}`;
  }

  get issued(): number {
    return this.count;
  }

  /** Lines of a process's output that carry a marker at info, warn, error or fatal (or are not JSON at all). */
  leaks(output: string): string[] {
    return output.split('\n').filter((line) => {
      if (!line.includes(this.prefix)) return false;
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 30;
      } catch {
        return true;
      }
    });
  }

  /** Leaking lines counted by process, level and message, with the first of each as the evidence. */
  leakSummary(outputs: Record<string, string>): Record<string, { lines: number; first: string }> {
    const out: Record<string, { lines: number; first: string }> = {};
    for (const [process, output] of Object.entries(outputs)) {
      for (const line of this.leaks(output)) {
        let key = `${process}: not JSON`;
        try {
          const entry = JSON.parse(line) as { level: number; msg: string };
          key = `${process}: level ${entry.level} "${entry.msg}"`;
        } catch {
          // Not JSON: a crash trace or a library printing on its own; the key says so.
        }
        const found = (out[key] ??= { lines: 0, first: line.slice(0, 700) });
        found.lines++;
      }
    }
    return out;
  }
}
