import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { initORM } from '../db/orm';
import { systemClock } from '../lib/clock';
import { AppError } from '../errors';
import { createServices } from '../services';
import { ROLES, type Role } from '../modules/user/user.entity';
import { readPassword } from './prompt';
import { RateLimits } from '../modules/auth/rate-limit';
import { createLogger } from '../lib/logger';
import { openLiveBus } from '../modules/live/live.bus';
import { LiveService } from '../modules/live/live.service';

const CLI_META = { ip: null, userAgent: 'tokengate-cli' };
const OPERATOR = { user: null, meta: CLI_META };

const USAGE = `usage: npm run user -- <command> --username NAME [--role ROLE]
commands:
  create       create an account (--role USER or ADMIN); the password is read from a prompt or the first line of stdin
  set-role     USER or ADMIN: ADMIN grants ADMIN, USER takes every other role away (ends the user's sessions)
  grant-role   give the account a role: ADMIN or a custom role (see docs/permissions.md)
  revoke-role  take a role (ADMIN or a custom one) from the account; its live sockets are closed
  deactivate   disable the account, end its sessions and stop its API tokens
  activate     re-enable the account
  set-password set a new password (prompt or stdin) and end the user's sessions
Passwords are never accepted on the command line.`;

/** Operator tool against the configured database: first admin, roles, deactivation. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || !command) return fail(USAGE, values.help ? 0 : 64);
  if (values.password !== undefined) return fail('refusing --password: command lines end up in shell history and ps; pipe it on stdin', 64);
  if (!values.username) return fail('--username is required\n' + USAGE, 64);
  const roleName = (values.role ?? 'USER').toUpperCase();
  const builtIn = ['create', 'set-role'].includes(command);
  if (builtIn && !ROLES.includes(roleName as Role)) return fail(`--role must be one of ${ROLES.join(', ')} for ${command}`, 64);
  const role = roleName as Role;

  const config = loadConfig();
  const orm = await initORM(config.database);
  const logger = createLogger(config.logLevel);
  // The shared bus (Redis or PostgreSQL) lets running servers close the sockets of a user changed here at once.
  const bus = await openLiveBus(config, logger);
  const live = new LiveService(bus, logger);
  const services = createServices(config, systemClock, await RateLimits.create(config.rateLimits, { kind: 'memory' }), () => orm.em, logger, live);
  const em = orm.em.fork();
  try {
    if (command === 'create') {
      const password = await readPassword(`Password for ${values.username}: `);
      const issued = await services.auth.register(em, { username: values.username, password }, CLI_META);
      await services.sessions.end(em, issued.session.id, 'LOGOUT', CLI_META); // the CLI needs no session of its own
      if (role !== 'USER') await services.roles.setBuiltIn(em, OPERATOR, issued.user.id, role);
      return done(`created ${issued.user.username} (${issued.user.id}) with role ${role}`);
    }
    const user = await services.users.findByUsername(em, values.username);
    if (!user) return fail(`no user named ${values.username}`, 1);
    switch (command) {
      case 'set-role':
        if (!values.role) return fail('--role is required for set-role', 64);
        await services.roles.setBuiltIn(em, OPERATOR, user.id, role);
        return done(`${user.username} now has role ${role}`);
      case 'grant-role':
      case 'revoke-role': {
        if (!values.role) return fail(`--role is required for ${command}`, 64);
        const changed = command === 'grant-role' ? services.roles.grant(em, OPERATOR, user.id, roleName) : services.roles.revoke(em, OPERATOR, user.id, roleName);
        const holdings = (await services.roles.holdingsOf(em, [await changed])).get(user.id)!;
        return done(`${user.username} now holds ${holdings.roles.join(', ')}`);
      }
      case 'deactivate':
        await services.users.setActive(em, OPERATOR, user.id, false);
        return done(`${user.username} is deactivated and signed out everywhere`);
      case 'activate':
        await services.users.setActive(em, OPERATOR, user.id, true);
        return done(`${user.username} is active`);
      case 'set-password':
        await services.auth.resetPassword(em, user, await readPassword(`New password for ${user.username}: `), CLI_META);
        return done(`password changed for ${user.username}; their sessions were ended`);
      default:
        return fail(`unknown command ${command}\n${USAGE}`, 64);
    }
  } catch (err) {
    if (err instanceof AppError) return fail(`${err.extensions.code}: ${err.message}`, 1);
    throw err;
  } finally {
    await services.events.flush();
    await services.audit.flush();
    await live.flush();
    await bus.close();
    await orm.close();
  }
}

function done(message: string): number {
  process.stdout.write(message + '\n');
  return 0;
}

function fail(message: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(message + '\n');
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tokengate user: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
