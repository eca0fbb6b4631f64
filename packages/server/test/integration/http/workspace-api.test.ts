/**
 * The workspace routes the stock web UI calls, over a real server on port 0 with the real
 * bubblewrap sandbox: list-files, select-file, git changes and diff, upload-files and
 * zip-directory. Round trips, escapes (.., absolute paths, links to host files, /proc/self/root,
 * hard links, NUL), upload names with paths, size caps, another user's conversation, and the
 * workspace removed with its conversation.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { workspaceIdFor } from '../../../src/conversations/conversation-workspace.js';
import type { NewEvent } from '../../../src/events/event-store.js';
import { bubblewrapAvailable, temporaryRoot } from '../../support/bubblewrap.js';
import { agentStateChanged, runAction } from '../../support/event-fixtures.js';
import { HeaderUserAuth, testUserHeader } from '../../support/header-user-auth.js';
import { createConversation, createTestApi, type TestApi } from '../../support/test-api.js';
import { createSqliteDatabase } from '../../support/test-databases.js';

const available = bubblewrapAvailable();
const maxFileBytes = 64 * 1024;
const hostSecret = 'host secret canary';

describe.skipIf(!available)('workspace routes (real server, bubblewrap)', () => {
  const temporary = temporaryRoot('workspace-api');
  const workspaceRoot = join(temporary.root, 'workspaces');
  const outside = join(temporary.root, 'outside');
  const canary = join(outside, 'canary.txt');
  let api: TestApi;
  let app: App;
  let base: string;

  beforeAll(async () => {
    mkdirSync(outside, { mode: 0o755 });
    writeFileSync(canary, `${hostSecret}\n`, { mode: 0o644 });
    api = await createTestApi(
      { name: 'sqlite', available: true, create: createSqliteDatabase },
      {
        agentLoops: 'log-only',
        userAuth: new HeaderUserAuth(),
        env: {
          PARLEY_WORKSPACE_DIR: workspaceRoot,
          PARLEY_WORKSPACE_FILE_MAX_BYTES: String(maxFileBytes),
        },
      },
    );
    app = api.app;
    base = (await app.listen()).url;
  });
  afterAll(async () => {
    await api.cleanup();
    temporary.remove();
  });

  const url = (id: string, route: string) =>
    `${base}/api/conversations/${encodeURIComponent(id)}/${route}`;
  const get = (id: string, route: string, user = 'alice') =>
    fetch(url(id, route), { headers: { [testUserHeader]: user } });
  const upload = (id: string, files: [string, Uint8Array | string][], user = 'alice') => {
    const form = new FormData();
    for (const [name, content] of files) form.append('files', new Blob([content]), name);
    return fetch(url(id, 'upload-files'), {
      method: 'POST',
      body: form,
      headers: { [testUserHeader]: user },
    });
  };
  const run = (id: string, command: string) => app.sandbox.run(workspaceIdFor(id), command);

  it('uploads, lists, selects and downloads files (a round trip)', async () => {
    const id = await createConversation(app);
    const binary = Uint8Array.from([0, 1, 2, 200, 255, 0]);
    const uploaded = await upload(id, [
      ['hello.txt', 'hello, workspace\n'],
      ['data.bin', binary],
    ]);
    expect(uploaded.status).toBe(200);
    expect(await uploaded.json()).toEqual({
      uploaded_files: ['/workspace/hello.txt', '/workspace/data.bin'],
      skipped_files: [],
    });
    await run(id, 'mkdir -p src/lib && echo "export {}" > src/main.ts');
    expect(await (await get(id, 'list-files')).json()).toEqual(['src/', 'data.bin', 'hello.txt']);
    expect(await (await get(id, 'list-files?path=src')).json()).toEqual([
      'src/lib/',
      'src/main.ts',
    ]);
    const selected = await get(id, 'select-file?file=hello.txt');
    expect(selected.status).toBe(200);
    expect(await selected.json()).toEqual({ code: 'hello, workspace\n' });
    expect(await (await get(id, 'select-file?file=%2Fworkspace%2Fsrc%2Fmain.ts')).json()).toEqual({
      code: 'export {}\n',
    });
    const binaryAnswer = await get(id, 'select-file?file=data.bin');
    expect(binaryAnswer.status).toBe(415);
    expect(await binaryAnswer.json()).toMatchObject({
      code: 'WORKSPACE_FILE_BINARY',
      message: 'Unable to open binary file: data.bin',
    });

    const zip = await get(id, 'zip-directory');
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename="workspace.zip"');
    const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual([
      'data.bin',
      'hello.txt',
      'src/',
      'src/lib/',
      'src/main.ts',
    ]);
    expect(Buffer.from(entries['hello.txt'] as Uint8Array).toString()).toBe('hello, workspace\n');
    expect([...(entries['data.bin'] as Uint8Array)]).toEqual([...binary]);
  });

  it('refuses paths that leave the workspace, and never answers with host data', async () => {
    const id = await createConversation(app);
    await run(
      id,
      `ln -s /etc/passwd passwd-link; ln -s ${canary} canary-link; ln -s / root-link; ` +
        `ln /etc/passwd hard-passwd; ln ${canary} hard-canary; true`,
    );
    const attempts: [string, number][] = [
      ['..%2F..%2Foutside%2Fcanary.txt', 400],
      [encodeURIComponent(canary), 400],
      ['%2Fetc%2Fpasswd', 400],
      ['%2Fproc%2Fself%2Froot%2Fetc%2Fpasswd', 400],
      [encodeURIComponent(`/proc/self/root${canary}`), 400],
      ['passwd-link', 400],
      ['root-link%2Fetc%2Fpasswd', 400],
      ['canary-link', 404],
      ['hard-passwd', 404],
      ['hard-canary', 404],
      ['a%00b', 400],
    ];
    for (const [file, status] of attempts) {
      const answer = await get(id, `select-file?file=${file}`);
      const text = await answer.text();
      expect(answer.status, file).toBe(status);
      expect(text, file).not.toContain(hostSecret);
      expect(text, file).not.toMatch(/root:x:0/);
      expect(JSON.parse(text)).toMatchObject({
        code: status === 400 ? 'WORKSPACE_PATH_INVALID' : 'WORKSPACE_FILE_NOT_FOUND',
      });
    }
    for (const route of [
      'list-files?path=..',
      'list-files?path=root-link',
      'git/diff?path=..%2Fx',
    ]) {
      const answer = await get(id, route);
      expect(answer.status, route).toBe(400);
      expect(await answer.json()).toMatchObject({ code: 'WORKSPACE_PATH_INVALID' });
    }
  });

  it('refuses upload names with a path and files over the cap; writes the rest', async () => {
    const id = await createConversation(app);
    const answer = await upload(id, [
      ['../x', 'escaped'],
      ['a/b', 'nested'],
      ['..', 'dots'],
      ['big.bin', new Uint8Array(maxFileBytes + 1)],
      ['fine.txt', 'fine'],
    ]);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      uploaded_files: string[];
      skipped_files: { name: string; reason: string }[];
    };
    expect(body.uploaded_files).toEqual(['/workspace/fine.txt']);
    expect(body.skipped_files.map((skipped) => skipped.name)).toEqual([
      '../x',
      'a/b',
      '..',
      'big.bin',
    ]);
    expect(body.skipped_files[0]?.reason).toBe('The file name must not contain /, \\ or ..');
    expect(body.skipped_files[3]?.reason).toBe(`File is larger than ${maxFileBytes} bytes`);
    expect(readdirSync(workspaceRoot).sort()).toEqual(expect.not.arrayContaining(['x', 'b']));
    expect(await (await get(id, 'list-files')).json()).toEqual(['fine.txt']);
    const notMultipart = await fetch(url(id, 'upload-files'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(422);
    // Multipart bodies are parsed for upload-files only.
    const form = new FormData();
    form.append('message', 'hi');
    const elsewhere = await fetch(url(id, 'message'), { method: 'POST', body: form });
    expect(elsewhere.status).toBe(415);
  });

  it('refuses a file too large to show', async () => {
    const id = await createConversation(app);
    await run(id, `head -c ${maxFileBytes + 1} /dev/zero | tr '\\0' a > big.txt`);
    const answer = await get(id, 'select-file?file=big.txt');
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ code: 'WORKSPACE_FILE_TOO_LARGE' });
    expect((await get(id, 'select-file?file=missing.txt')).status).toBe(404);
    expect((await get(id, 'select-file')).status).toBe(422);
  });

  it('reports git changes and a diff', async () => {
    const id = await createConversation(app);
    expect(await (await get(id, 'git/changes')).json()).toEqual([]);
    await run(
      id,
      'git init -q -b main . && git config user.email a@b.c && git config user.name t && ' +
        'echo old > a.txt && git add a.txt && git commit -qm base && echo new > a.txt && ' +
        'echo b > b.txt',
    );
    expect(await (await get(id, 'git/changes')).json()).toEqual([
      { status: 'M', path: 'a.txt' },
      { status: 'A', path: 'b.txt' },
    ]);
    expect(await (await get(id, 'git/diff?path=a.txt')).json()).toEqual({
      original: 'old',
      modified: 'new',
    });
  });

  it('reports them on the V1 agent-server paths too, for the conversation its session key names', async () => {
    const started = await fetch(`${base}/api/v1/app-conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [testUserHeader]: 'alice' },
      body: '{}',
    });
    const id = ((await started.json()) as { app_conversation_id: string }).app_conversation_id;
    const info = (await (
      await fetch(`${base}/api/conversations/${id}`, { headers: { [testUserHeader]: 'alice' } })
    ).json()) as { session_api_key: string };
    const v1 = (path: string, user = 'alice') =>
      fetch(`${base}/api/git/${path}`, {
        headers: { [testUserHeader]: user, 'x-session-api-key': info.session_api_key },
      });
    const root = encodeURIComponent('/workspace/project');
    expect(await (await v1(`changes/${root}`)).json()).toEqual([]);
    await run(
      id,
      'git init -q -b main . && git config user.email a@b.c && git config user.name t && ' +
        'echo old > a.txt && echo gone > c.txt && git add a.txt c.txt && git commit -qm base && ' +
        'echo new > a.txt && echo b > b.txt && rm c.txt',
    );
    expect(await (await v1(`changes/${root}`)).json()).toEqual([
      { status: 'UPDATED', path: 'a.txt' },
      { status: 'ADDED', path: 'b.txt' },
      { status: 'DELETED', path: 'c.txt' },
    ]);
    const file = encodeURIComponent('/workspace/project/a.txt');
    expect(await (await v1(`diff/${file}`)).json()).toEqual({ original: 'old', modified: 'new' });
    // Another user holding the key reads nothing: the conversation is not theirs.
    expect((await v1(`diff/${file}`, 'bob')).status).toBe(404);
  });

  it('git changes, git diff and select-file wait for a command in flight, as upstream runs them behind it', async () => {
    const id = await createConversation(app);
    await run(id, 'git init -q -b main .');
    // The stock UI asks for the changes when it receives the action, before the tool ran.
    const [action] = await app.eventStore.append(id, [runAction('echo later > later.txt')]);
    const answers = Promise.all([
      get(id, 'git/changes'),
      get(id, 'git/diff?path=later.txt'),
      get(id, 'select-file?file=later.txt'),
    ]);
    // list-files does not wait: once it answered, the requests above had their turn (and,
    // without the wait, would have answered with the workspace as it was).
    expect((await get(id, 'list-files')).status).toBe(200);
    await run(id, 'echo later > later.txt');
    await app.eventStore.append(id, [
      {
        source: 'agent',
        message: 'Command `echo later > later.txt` executed with exit code 0.',
        cause: action?.id,
        observation: 'run',
        content: '',
        extras: { command: 'echo later > later.txt', metadata: { exit_code: 0 } },
      } as NewEvent,
    ]);
    const [changes, diff, file] = await answers;
    expect(await changes.json()).toEqual([{ status: 'A', path: 'later.txt' }]);
    expect(await diff.json()).toEqual({ original: '', modified: 'later' });
    expect(await file.json()).toEqual({ code: 'later\n' });
    // A stopped turn never answers its command: nothing waits for it.
    await app.eventStore.append(id, [runAction('sleep 600'), agentStateChanged('stopped')]);
    expect((await get(id, 'git/changes')).status).toBe(200);
  });

  it("answers 404 for another user's conversation on every route, reading nothing", async () => {
    const id = await createConversation(app);
    await upload(id, [['private.txt', 'alice only']]);
    for (const route of [
      'list-files',
      'select-file?file=private.txt',
      'git/changes',
      'git/diff?path=private.txt',
      'zip-directory',
    ]) {
      const answer = await get(id, route, 'bob');
      expect(answer.status, route).toBe(404);
      expect(await answer.text(), route).not.toContain('alice only');
    }
    const foreignUpload = await upload(id, [['planted.txt', 'from bob']], 'bob');
    expect(foreignUpload.status).toBe(404);
    expect(await (await get(id, 'list-files')).json()).toEqual(['private.txt']);
    expect((await get('no-such-conversation', 'list-files')).status).toBe(404);
  });

  it('removes the workspace when the conversation is deleted', async () => {
    const id = await createConversation(app);
    await upload(id, [['note.txt', 'bye']]);
    const directory = join(workspaceRoot, workspaceIdFor(id));
    expect(existsSync(join(directory, 'note.txt'))).toBe(true);
    const deleted = await fetch(`${base}/api/conversations/${id}`, {
      method: 'DELETE',
      headers: { [testUserHeader]: 'alice' },
    });
    expect(await deleted.json()).toBe(true);
    expect(existsSync(directory)).toBe(false);
  });
});
