import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.ts';

/** A pino line as written: level (30 info, 40 warn, 50 error), msg, and whatever the call site added. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The service's own logger (createLogger, same serializers and redaction) writing into memory. */
export function captureLogs(level = 'info'): { logger: Logger; lines: LogLine[]; raw: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(level, { role: 'test' }, sink);
  return {
    logger,
    get lines() {
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogLine);
    },
    raw: () => chunks.join(''),
  };
}
