/**
 * Calls `onOrphaned` once the process that started this one has gone (this one is re-parented, to
 * init or a subreaper). `npm start` runs node under npm and a shell; a SIGTERM to npm ends npm and
 * the shell but is not passed on to node, which kept serving and holding the embedded database
 * (docs/deployment.md, "Signals and npm start"). Polling is the portable check: Node has no
 * parent-death signal.
 */
export function watchParent(onOrphaned: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
