import type { AuditRow } from './search-audit.ts';

const HEADER = ['id', 'time', 'actor_id', 'actor_email', 'action', 'object_type', 'object_id', 'source_ip', 'details'];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe:
 * the log holds what callers typed (a failed login's email), and opening an export must not run it
 * (OWASP, CSV Injection).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line (RFC 4180 line break), each field made safe by csvField. */
export function csvLine(fields: Array<string | number | null>): string {
  return `${fields.map((f) => csvField(f === null ? '' : String(f))).join(',')}\r\n`;
}

/** The export as CSV lines, produced as the entries are read. */
export async function* auditCsv(rows: AsyncIterable<AuditRow>): AsyncGenerator<string> {
  yield csvLine(HEADER);
  for await (const r of rows) {
    yield csvLine([
      r.id,
      r.at.toISOString(),
      r.actorId,
      r.actorEmail,
      r.action,
      r.objectType,
      r.objectId,
      r.sourceIp,
      JSON.stringify(r.details),
    ]);
  }
}
