/**
 * Open event streams of one API process, counted per visitor and in total. Counted here, not in
 * Redis: a stream costs the process holding it (a socket, buffers, a subscription), so that is the
 * resource a cap protects, and a count in memory cannot outlive a process that dies. A visitor whose
 * tabs are spread by the load balancer over n processes may hold up to n × the per-visitor cap.
 */
export type StreamSlot = { ok: true; release: () => void } | { ok: false; spent: 'streams_per_visitor' | 'streams_per_process' };

export class StreamSlots {
  private total = 0;
  private readonly byVisitor = new Map<string, number>();

  constructor(private readonly maxTotal: number) {}

  take(visitorKey: string, perVisitor: number): StreamSlot {
    const held = this.byVisitor.get(visitorKey) ?? 0;
    if (held >= perVisitor) return { ok: false, spent: 'streams_per_visitor' };
    if (this.total >= this.maxTotal) return { ok: false, spent: 'streams_per_process' };
    this.byVisitor.set(visitorKey, held + 1);
    this.total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byVisitor.get(visitorKey) ?? 1) - 1;
        if (left > 0) this.byVisitor.set(visitorKey, left);
        else this.byVisitor.delete(visitorKey);
      },
    };
  }
}
