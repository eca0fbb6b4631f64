import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { sessionCookieOf } from '../../support/accounts.js';
import { request } from '../../support/test-api.js';
import { createTestConfig } from '../../support/test-config.js';

const repositoryRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const commandFile = join(repositoryRoot, 'packages/server/src/user-command.ts');

/** Runs `npm run user -- …`'s entry as a real process with `stdin` piped in. */
function runUserCommand(
  dataDirectory: string,
  args: string[],
  stdin: string,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', commandFile, ...args], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      TSX_TSCONFIG_PATH: join(repositoryRoot, 'tsconfig.tests.json'),
      PARLEY_DATA_DIR: dataDirectory,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('npm run user (admin command)', () => {
  let dataDirectory: string;
  let app: App | undefined;

  beforeEach(() => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'parley-user-command-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  const startApp = async () => {
    app = await createApp(
      createTestConfig({ PARLEY_DATA_DIR: dataDirectory, PARLEY_AUTH: 'accounts' }),
      { logger: createSilentLogger() },
    );
    return app;
  };

  it('adds a local account with the password from stdin, never echoing it', async () => {
    const password = 'piped-password-5521';
    const added = await runUserCommand(
      dataDirectory,
      ['add', 'ada', '--name', 'Ada Lovelace', '--email', 'ada@example.org'],
      `${password}\n`,
    );
    expect(added.output).toMatch(/Created user ada \(id [0-9a-f-]{36}\)/);
    expect(added.code).toBe(0);
    expect(added.output).not.toContain(password);

    const server = await startApp();
    const row = await server.database.kysely
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'ada')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.org' });
    const login = await request(server, 'POST', '/api/auth/login', {
      payload: { username: 'ada', password },
    });
    expect(login.status).toBe(200);
    expect(sessionCookieOf(login.headers)).toBeDefined();
  });

  it('refuses a taken name, a short password and a password on the command line', async () => {
    expect((await runUserCommand(dataDirectory, ['add', 'ada'], 'first-password\n')).code).toBe(0);
    const taken = await runUserCommand(dataDirectory, ['add', 'ada'], 'second-password\n');
    expect(taken.code).toBe(1);
    expect(taken.output).toMatch(/user name ada is taken/);
    const short = await runUserCommand(dataDirectory, ['add', 'bob'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.output).toMatch(/8 to 1024 characters/);
    const inArgv = await runUserCommand(dataDirectory, ['add', 'carol', 'argv-password'], '');
    expect(inArgv.code).toBe(1);
    expect(inArgv.output).toMatch(/Unknown or incomplete option/);
    const nothing = await runUserCommand(dataDirectory, [], '');
    expect(nothing.code).toBe(2);
    expect(nothing.output).toMatch(/Usage: npm run user/);

    const server = await startApp();
    const names = await server.database.kysely.selectFrom('users').select('username').execute();
    expect(names.map((row) => row.username)).toEqual(['ada']);
  });

  it('replaces a password and signs the user out everywhere', async () => {
    await runUserCommand(dataDirectory, ['add', 'ada'], 'first-password\n');
    let server = await startApp();
    const login = await request(server, 'POST', '/api/auth/login', {
      payload: { username: 'ada', password: 'first-password' },
    });
    const cookie = sessionCookieOf(login.headers) ?? '';
    await server.close();
    app = undefined;

    const reset = await runUserCommand(dataDirectory, ['set-password', 'ada'], 'second-password\n');
    expect(reset.output).toMatch(/Password of ada replaced; 1 session\(s\) ended/);
    expect(reset.code).toBe(0);
    const unknown = await runUserCommand(dataDirectory, ['set-password', 'nobody'], 'x-password\n');
    expect(unknown.code).toBe(1);

    server = await startApp();
    expect((await request(server, 'GET', '/api/auth/me', { headers: { cookie } })).status).toBe(
      401,
    );
    const old = await request(server, 'POST', '/api/auth/login', {
      payload: { username: 'ada', password: 'first-password' },
    });
    expect(old.status).toBe(401);
    const fresh = await request(server, 'POST', '/api/auth/login', {
      payload: { username: 'ada', password: 'second-password' },
    });
    expect(fresh.status).toBe(200);
  });
});
