/**
 * Whether PostgreSQL refused a value itself (not the connection, not a conflict with another
 * transaction): sending it again can never succeed. SQLSTATE classes 22 data exception, 23
 * integrity constraint violation, 54 program limit exceeded (an index row too large)
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html). The error may be wrapped
 * (UnavailableError → DrizzleQueryError → the driver's error): the causes are searched.
 * Returns the SQLSTATE, or undefined.
 */
const REFUSED_CLASSES = new Set(['22', '23', '54']);

export function refusedValueCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && REFUSED_CLASSES.has(code.slice(0, 2))) return code;
  }
  return undefined;
}

/**
 * Runs `write`; PostgreSQL refusing it for a unique index (23505 unique_violation) becomes the
 * caller's error (a 409 saying which name is taken). Anything else is thrown as it came.
 */
export async function refuseDuplicate<T>(write: () => Promise<T>, taken: () => Error): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (refusedValueCode(err) === '23505') throw taken();
    throw err;
  }
}
