import { ParleyError } from '../shared/errors.js';
import type { LocalAccounts } from './local-accounts.js';
import type { SqlSessionStore } from './sql-session-store.js';
import type { SqlUserStore } from './sql-user-store.js';

export interface UserAdminParts {
  local: LocalAccounts;
  users: SqlUserStore;
  sessions: SqlSessionStore;
  /** Reads a password from the terminal (hidden) or the first line of stdin; never from argv. */
  readPassword: (prompt: string) => Promise<string>;
  /** Where results go (stdout); never a password. */
  print: (line: string) => void;
}

export const userAdminUsage = `Usage: npm run user -- <command>
  add NAME [--name "Full Name"] [--email address]   create a local account
  set-password NAME                                  replace a password (signs the user out everywhere)
The password is read from stdin (a prompt on a terminal), never from the command line.`;

/**
 * The admin command behind `npm run user`: creates local accounts and resets passwords. Returns
 * the process exit code; a wrong invocation prints the usage.
 * @throws ParleyError `USER_INPUT_INVALID`, `USER_ALREADY_EXISTS`.
 */
export async function runUserAdmin(
  args: readonly string[],
  parts: UserAdminParts,
): Promise<number> {
  const [command, username, ...rest] = args;
  if (username === undefined || username.startsWith('-')) {
    parts.print(userAdminUsage);
    return 2;
  }
  if (command === 'add') {
    const options = parseOptions(rest);
    const password = await parts.readPassword(`Password for ${username}: `);
    const user = await parts.local.add({
      username,
      password,
      name: options.get('--name') ?? null,
      email: options.get('--email') ?? null,
    });
    parts.print(`Created user ${username} (id ${user.id})`);
    return 0;
  }
  if (command === 'set-password' && rest.length === 0) {
    const account = await parts.users.findLocal(username);
    if (account === undefined) {
      throw new ParleyError('USER_INPUT_INVALID', `No local account is named ${username}`);
    }
    const password = await parts.readPassword(`New password for ${username}: `);
    await parts.local.setPassword(username, password);
    const ended = await parts.sessions.revokeAllOf(account.user.id);
    parts.print(`Password of ${username} replaced; ${ended} session(s) ended`);
    return 0;
  }
  parts.print(userAdminUsage);
  return 2;
}

function parseOptions(rest: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let index = 0; index < rest.length; index += 2) {
    const name = rest[index] ?? '';
    const value = rest[index + 1];
    if ((name !== '--name' && name !== '--email') || value === undefined) {
      throw new ParleyError(
        'USER_INPUT_INVALID',
        `Unknown or incomplete option ${name}\n${userAdminUsage}`,
      );
    }
    options.set(name, value);
  }
  return options;
}
