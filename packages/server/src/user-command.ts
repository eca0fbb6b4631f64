import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { LocalAccounts } from './auth/local-accounts.js';
import { Argon2PasswordHasher } from './auth/password-hasher.js';
import { SqlLoginLimiter } from './auth/sql-login-limiter.js';
import { SqlSessionStore } from './auth/sql-session-store.js';
import { SqlUserStore } from './auth/sql-user-store.js';
import { runUserAdmin } from './auth/user-admin.js';
import { loadConfig } from './config/load-config.js';
import { describeError, isParleyError } from './shared/errors.js';
import { createSilentLogger } from './shared/logger.js';
import { openDatabase } from './storage/open-database.js';

/**
 * Process entry of `npm run user -- …` (accounts admin): the same configuration as the server
 * (environment and `.env`), the same database. The password comes from stdin, never argv.
 */
async function userCommand(): Promise<number> {
  const config = loadConfig(process.env);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDirectory: config.dataDirectory,
    logger: createSilentLogger(),
  });
  try {
    const users = new SqlUserStore({ database });
    return await runUserAdmin(process.argv.slice(2), {
      users,
      local: new LocalAccounts({
        users,
        hasher: new Argon2PasswordHasher(),
        limiter: new SqlLoginLimiter({ database }),
        openSignup: false,
      }),
      sessions: new SqlSessionStore({
        database,
        lifetimes: { idleMs: config.auth.sessionIdleMs, absoluteMs: config.auth.sessionAbsoluteMs },
      }),
      readPassword,
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await database.close();
  }
}

/** A hidden prompt on a terminal; otherwise the first line of stdin (a pipe, a file). */
async function readPassword(prompt: string): Promise<string> {
  const terminal = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input: process.stdin, output, terminal });
  try {
    if (terminal) process.stderr.write(prompt);
    muted = true;
    const password = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      lines.once('close', () => reject(new Error('No password on stdin')));
    });
    if (terminal) process.stderr.write('\n');
    return password;
  } finally {
    lines.close();
  }
}

userCommand().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${isParleyError(error) ? error.message : describeError(error)}\n`);
    process.exit(1);
  },
);
