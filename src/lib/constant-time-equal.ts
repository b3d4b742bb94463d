import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret or signature the caller sent with the expected one in time that does not
 * depend on where they first differ, so an attacker cannot find it byte by byte from response
 * times. Only the length may show, and signatures and secrets of one kind share their length.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
