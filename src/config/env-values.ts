import { z } from 'zod';

/**
 * How environment variables are read, for the service's settings and every channel's: a blank
 * value counts as unset, numbers and switches are parsed, defaults apply where unset.
 */
export const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
export const positiveInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));
export const nonNegativeInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(fallback));
export const onOff = <F extends boolean | undefined>(fallback: F) =>
  z
    .preprocess(emptyAsUndefined, z.enum(['true', 'false', '1', '0', 'on', 'off']).optional())
    .transform((v): boolean | F => (v === undefined ? fallback : ['true', '1', 'on'].includes(v)));
