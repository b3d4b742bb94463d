/**
 * `npm run user -- <command>`: staff accounts of the console, from the command line.
 *   create --email E --role R [--name N] [--password-stdin]   a new account (the first admin is made this way)
 *   token --email E [--name N]                                prints a new personal API token for the account
 *   list                                                      every account
 *   set-role --email E --role R                               changes a role
 *   disable --email E | enable --email E                      stops (and ends the sessions of) or restores an account
 *   set-wecom --email E --wecom-user U                        links the account to a WeCom member ("" unlinks), for notices in WeCom
 * The password is typed at a prompt that does not echo, or piped with --password-stdin; there is
 * no default password and no password argument. Every change is in the audit log (via "cli").
 * Uses DATABASE_URL, or the embedded PGlite under DATA_DIR, which only one process may open: stop
 * the service first, or run it against PostgreSQL.
 */
import { parseArgs } from 'node:util';
import type { AuditContext } from '../src/audit/audit-log.ts';
import { loadConfig } from '../src/config/env.ts';
import { connectDatabase, pgliteDirUnder } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import type { Database } from '../src/db/connect.ts';
import { AppError } from '../src/errors.ts';
import { promptHidden, readStdinSecret } from '../src/lib/read-secret.ts';
import { createApiToken } from '../src/staff/api-tokens.ts';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../src/staff/passwords.ts';
import { isStaffRole, staffRoles, type StaffRole } from '../src/staff/roles.ts';
import { linkWecomUser } from '../src/staff/wecom-duty.ts';
import { changeStaffUser, createStaffUser, findStaffUserByEmail, listStaffUsers, type StaffUser } from '../src/staff/staff-users.ts';

const USAGE = `usage: npm run user -- create --email E --role ${staffRoles.join('|')} [--name N] [--password-stdin]
       npm run user -- token --email E [--name N]
       npm run user -- list
       npm run user -- set-role --email E --role R
       npm run user -- disable --email E | enable --email E
       npm run user -- set-wecom --email E --wecom-user U   (U = "" unlinks)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'wecom-user': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command] = positionals;
if (values.help || !command) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}

/** A usage mistake: said on stderr, exit code 2. */
class UsageError extends Error {}

const cli: AuditContext = { actorId: null, sourceIp: null, via: 'cli' };

function required(name: 'email' | 'role'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function roleArg(): StaffRole {
  const role = required('role');
  if (!isStaffRole(role)) throw new UsageError(`--role must be one of ${staffRoles.join(', ')}`);
  return role;
}

async function accountOf(db: Database, email: string): Promise<StaffUser> {
  const user = await findStaffUserByEmail(db, email);
  if (!user) throw new UsageError(`no account has the email ${email} (see npm run user -- list)`);
  return user;
}

async function newPassword(email: string): Promise<string> {
  if (values['password-stdin']) {
    const password = await readStdinSecret();
    const problem = passwordProblem(password, email);
    if (problem) throw new UsageError(problem);
    return password;
  }
  if (!process.stdin.isTTY) throw new UsageError('no terminal to type a password at: pipe it with --password-stdin');
  for (;;) {
    const password = await promptHidden(`password for ${email} (at least ${MIN_PASSWORD_LENGTH} characters): `);
    const problem = passwordProblem(password, email);
    if (problem) {
      console.error(problem);
      continue;
    }
    if ((await promptHidden('again: ')) === password) return password;
    console.error('the two passwords differ; once more');
  }
}

async function run(db: Database): Promise<void> {
  switch (command) {
    case 'create': {
      const email = required('email');
      const role = roleArg();
      const user = await createStaffUser(
        db,
        { email, role, password: await newPassword(email), ...(values.name && { displayName: values.name }) },
        cli,
      );
      console.log(`created ${user.role} ${user.email} (id ${user.id})`);
      return;
    }
    case 'token': {
      const user = await accountOf(db, required('email'));
      if (user.disabled) throw new UsageError(`${user.email} is disabled: enable it first`);
      const { token } = await createApiToken(db, { userId: user.id, name: values.name ?? 'command line' }, cli);
      console.error(`a new API token for ${user.email} (${user.role}); it is shown this once:`);
      console.log(token);
      return;
    }
    case 'list': {
      const users = await listStaffUsers(db);
      if (users.length === 0) console.log('no accounts yet: npm run user -- create --email you@example.com --role admin');
      else console.table(users.map((u) => ({ id: u.id, email: u.email, name: u.displayName, role: u.role, disabled: u.disabled })));
      return;
    }
    case 'set-role': {
      const user = await accountOf(db, required('email'));
      const changed = await changeStaffUser(db, user.id, { role: roleArg() }, cli);
      console.log(`${changed.email} is now ${changed.role}`);
      return;
    }
    case 'disable':
    case 'enable': {
      const user = await accountOf(db, required('email'));
      await changeStaffUser(db, user.id, { disabled: command === 'disable' }, cli);
      console.log(`${user.email} ${command}d`);
      return;
    }
    case 'set-wecom': {
      const user = await accountOf(db, required('email'));
      const member = values['wecom-user'];
      if (member === undefined) throw new UsageError('--wecom-user is required ("" unlinks)');
      await linkWecomUser(db, user.id, member.trim() || null, cli);
      console.log(member.trim() ? `${user.email} is WeCom member ${member.trim()}` : `${user.email} is linked to no WeCom member`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

const { env } = loadConfig();
let database: Awaited<ReturnType<typeof connectDatabase>>;
try {
  database = await connectDatabase({ url: env.DATABASE_URL, pgliteDir: pgliteDirUnder(env.DATA_DIR) });
} catch (err) {
  console.error(`user: cannot open the database: ${(err as Error).message}`);
  process.exit(1);
}
try {
  await applyMigrations(database);
  await run(database.db);
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`user ${command}: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof AppError || (err instanceof Error && err.message === 'cancelled')) {
    console.error(`user ${command}: ${err.message}`);
    process.exitCode = 1;
  } else throw err;
} finally {
  await database.close();
}
