/**
 * R16: what a command may try against the host from inside the bubblewrap sandbox. Each attempt
 * ends with a clear result, and the host (files, environment, processes) is unharmed.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import { minimalEtcFiles } from '../../../src/runtime/minimal-etc.js';
import { bubblewrapAvailable, bubblewrapPath, temporaryRoot } from '../../support/bubblewrap.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const available = bubblewrapAvailable();
const isRoot = process.getuid?.() === 0;

describe.skipIf(!available)('the sandbox keeps commands away from the host (R16)', () => {
  const temporary = temporaryRoot('escapes');
  const workspaceRoot = join(temporary.root, 'workspaces');
  const outside = join(temporary.root, 'outside');
  const canary = join(outside, 'canary.txt');
  const { logger } = createCapturingLogger('silent');
  let sandbox: BubblewrapSandbox;
  let listener: Server;
  let port: number;
  const connections: string[] = [];

  beforeAll(async () => {
    mkdirSync(outside, { mode: 0o755 });
    writeFileSync(canary, 'host secret\n', { mode: 0o644 });
    sandbox = new BubblewrapSandbox({ workspaceRoot, bubblewrapPath, logger });
    listener = createServer((socket) => {
      socket.on('data', (data) => connections.push(data.toString('utf8')));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => listener.close(resolve));
    temporary.remove();
  });

  function hostUnharmed(): void {
    expect(readFileSync(canary, 'utf8')).toBe('host secret\n');
    expect(readdirSync(outside)).toEqual(['canary.txt']);
  }

  it('cannot read or write outside the workspace by path, .. or /proc/self/root', async () => {
    const attempts = [
      `cat ${canary}`,
      `cat ../${canary}`,
      `cat /workspace/../..${canary}`,
      `cat /proc/self/root${canary}`,
      `cat /proc/1/root${canary}`,
      `echo pwned > ${outside}/new.txt`,
      `echo pwned > ${canary}`,
      'echo pwned > /usr/pwned',
      'echo pwned > /etc/pwned',
      'echo pwned > /pwned',
      'echo pwned > /dev/pwned',
      'echo pwned > ../pwned',
    ];
    for (const command of attempts) {
      const result = await sandbox.run('paths', command);
      expect(result.exitCode, command).not.toBe(0);
      expect(result.output, command).toMatch(
        /No such file|nonexistent|Read-only file system|Permission denied/,
      );
    }
    hostUnharmed();
  });

  it('cannot reach outside through links it makes, and removing its workspace follows none', async () => {
    const symlink = await sandbox.run(
      'links',
      `ln -s ${outside} out && ls out/ && cat out/canary.txt`,
    );
    expect(symlink.exitCode).not.toBe(0);
    expect(symlink.output).toContain('No such file');
    const hardLinks = await sandbox.run('links', `ln ${canary} hard; ln /usr/bin/env hard2`);
    expect(hardLinks.exitCode).not.toBe(0);
    expect(hardLinks.output).toMatch(/No such file|Invalid cross-device link/);
    expect(existsSync(join(workspaceRoot, 'links', 'hard2'))).toBe(false);
    // The link a command left points at the host's directory once seen from the host.
    expect(lstatSync(join(workspaceRoot, 'links', 'out')).isSymbolicLink()).toBe(true);
    await sandbox.removeWorkspace('links');
    expect(existsSync(join(workspaceRoot, 'links'))).toBe(false);
    hostUnharmed();
  });

  it('sees no host accounts and no /etc/shadow', async () => {
    const shadow = await sandbox.run('etc', 'cat /etc/shadow');
    expect(shadow.exitCode).not.toBe(0);
    expect(shadow.output).toContain('No such file');
    expect((await sandbox.run('etc', 'cat /etc/passwd')).output).toBe(minimalEtcFiles['passwd']);
  });

  it('has its own /tmp: nothing written there reaches the host', async () => {
    const name = `parley-sandbox-${randomUUID()}`;
    expect((await sandbox.run('tmp', `echo x > /tmp/${name} && cat /tmp/${name}`)).output).toBe(
      'x\n',
    );
    expect(existsSync(join('/tmp', name))).toBe(false);
  });

  it('has no network unless the operator allows it', async () => {
    const attempt = `bash -c 'echo knock > /dev/tcp/127.0.0.1/${port}'`;
    const refused = await sandbox.run('net', attempt);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toMatch(/Connection refused|Network is unreachable/);
    const interfaces = await sandbox.run(
      'net',
      "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
    );
    expect(interfaces.output).toBe('lo\n');
    expect(connections).toEqual([]);

    const networked = new BubblewrapSandbox({
      workspaceRoot,
      bubblewrapPath,
      logger,
      network: true,
    });
    try {
      expect((await networked.run('net', attempt)).exitCode).toBe(0);
      await expect.poll(() => connections.join('')).toBe('knock\n');
    } finally {
      await networked.close();
    }
  });

  it("sees none of the server's environment, only what is exported", async () => {
    const name = 'PARLEY_TEST_CANARY_SECRET';
    const value = randomUUID();
    process.env[name] = value;
    try {
      const result = await sandbox.run('env', 'env; cat /proc/1/environ', {
        env: { EXPORTED: 'yes' },
      });
      expect(result.output).not.toContain(value);
      expect(result.output).not.toContain(name);
      expect(result.output).toContain('EXPORTED=yes');
      expect(result.output).not.toContain('SESSION_API_KEY');
    } finally {
      delete process.env[name];
    }
  });

  it('never runs as root, inside or on the host', async () => {
    const result = await sandbox.run('user', 'id -u; grep CapEff /proc/self/status; touch mine');
    const [insideUid, capabilities] = result.output.trim().split('\n');
    expect(insideUid).not.toBe('0');
    expect(capabilities).toMatch(/^CapEff:\s+0+$/);
    const hostOwner = statSync(join(workspaceRoot, 'user', 'mine')).uid;
    expect(hostOwner).not.toBe(0);
    if (isRoot) expect(hostOwner).toBe(65534);
  });
});
