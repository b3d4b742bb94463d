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
}
