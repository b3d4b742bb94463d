/**
 * A one-line progress bar on stderr for long CLI jobs. On a terminal it redraws in place; when
 * stderr is a file or pipe it prints nothing until `done`, so logs stay readable.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(label: string, done: number, total: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 50 && done < total) return; // ~20 redraws a second is plenty
    this.lastDraw = now;
    const ratio = total > 0 ? Math.min(done / total, 1) : 1;
    const filled = Math.round(ratio * this.width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${`${bar} ${label}`.slice(0, columns - 1).padEnd(columns - 1)}`);
    this.drawn = true;
  }

  /** Clears the bar so the next line prints cleanly. */
  clear(): void {
    if (this.drawn && this.stream.isTTY) this.stream.write(`\r${' '.repeat((this.stream.columns ?? 100) - 1)}\r`);
    this.drawn = false;
  }
}
