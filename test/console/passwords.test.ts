import test from 'ava';
import { createPasswordCheck, hashPassword, passwordProblem, verifyPassword } from '../../src/staff/passwords.ts';

test('passwords are hashed with argon2id at the OWASP parameters (m=19 MiB, t=2, p=1), salted per hash', async (t) => {
  const a = await hashPassword('a long enough password');
  const b = await hashPassword('a long enough password');
  t.regex(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  t.not(a, b);
  t.true(await verifyPassword(a, 'a long enough password'));
  t.false(await verifyPassword(a, 'a long enough passworD'));
  t.false(await verifyPassword('not a hash', 'a long enough password'), 'a malformed hash is a failed check, not a crash');
});

test('an email nobody has still costs one argon2 verification, against a hash of the same parameters', async (t) => {
  const verified: string[] = [];
  const check = createPasswordCheck(async (hash, password) => {
    verified.push(hash);
    return verifyPassword(hash, password);
  });
  t.false(await check(undefined, 'any password at all'));
  t.false(await check(undefined, 'another password'));
  t.is(verified.length, 2);
  t.regex(verified[0]!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const real = await hashPassword('the real password');
  t.true(await check(real, 'the real password'));
  t.is(verified.length, 3);
});

test('weak passwords are refused: short, few distinct characters, or containing the email', (t) => {
  t.regex(passwordProblem('', 'a@example.com')!, /at least 12/);
  t.regex(passwordProblem('Tr0ub4dor&3', 'a@example.com')!, /at least 12/);
  t.regex(passwordProblem('abababababababab', 'a@example.com')!, /too few different/);
  t.regex(passwordProblem('jane.doe-2026-spring', 'jane.doe@example.com')!, /email/);
  t.is(passwordProblem('correct horse battery staple', 'jane.doe@example.com'), undefined);
});
