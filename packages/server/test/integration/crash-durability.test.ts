import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/shared/logger.js';
import { openDatabase } from '../../src/storage/open-database.js';

/**
 * Kills a process that is appending to the SQLite event log with SIGKILL, several times over the same
 * data directory, and checks after each kill that every append the process acknowledged survived,
 * with the ids it was given, and that the log is still gap-free and intact.
 */

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const childScript = fileURLToPath(new URL('../support/append-forever.ts', import.meta.url));

const killCycles = 4;
const minimumAcksPerCycle = 300;
/** A cycle that has not produced its acks by then has hung; the test fails instead of waiting. */
const cycleDeadlineMs = 20_000;

interface Ack {
  cycle: number;
  conversationId: string;
  firstId: number;
  contents: string[];
}

interface CycleResult {
  acks: Ack[];
  /** The child printed `ready`: it opened the database before it was killed. */
  ready: boolean;
}

interface LogRow {
  conversationId: string;
  id: number;
  payloadId: number;
  content: string | undefined;
}

interface Verification {
  rows: LogRow[];
  integrity: unknown;
  journalMode: unknown;
  synchronous: unknown;
}

function parseAck(line: string, cycle: number): Ack {
  const [word, conversationId, firstId, count, contents, ...rest] = line.split(' ');
  if (
    word !== 'ack' ||
    conversationId === undefined ||
    contents === undefined ||
    rest.length > 0 ||
    !/^\d+$/.test(firstId ?? '') ||
    !/^\d+$/.test(count ?? '')
  ) {
    throw new Error(`Unexpected line from the child: ${JSON.stringify(line)}`);
  }
  const ack = { cycle, conversationId, firstId: Number(firstId), contents: contents.split(',') };
  if (ack.contents.length !== Number(count)) {
    throw new Error(
      `The child acknowledged ${count} events but listed ${ack.contents.length}: ${line}`,
    );
  }
  return ack;
}

describe('crash durability of the SQLite event log', () => {
  let dataDirectory: string;
  let temporaryDirectory: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    temporaryDirectory = mkdtempSync(join(tmpdir(), 'parley-crash-'));
    dataDirectory = join(temporaryDirectory, 'data');
  });

  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(temporaryDirectory, { recursive: true, force: true });
  });

  /** Runs the appending child until it has acknowledged `killAfter` appends, then SIGKILLs it. */
  function runUntilKilled(cycle: number, killAfter: number): Promise<CycleResult> {
    return new Promise<CycleResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', childScript, dataDirectory], {
        cwd: repositoryRoot,
        // tsx resolves `@parley/protocol` to its sources through this tsconfig's paths, as Vitest does.
        env: { ...process.env, TSX_TSCONFIG_PATH: join(repositoryRoot, 'tsconfig.tests.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const acks: Ack[] = [];
      let ready = false;
      let pending = '';
      let errorOutput = '';
      let killedByTest = false;
      let failure: Error | undefined;

      const kill = () => {
        if (killedByTest) return;
        killedByTest = true;
        child.kill('SIGKILL');
      };
      const deadline = setTimeout(() => {
        failure = new Error(
          `Cycle ${cycle}: only ${acks.length} of ${killAfter} acks after ${cycleDeadlineMs} ms\n${errorOutput}`,
        );
        kill();
      }, cycleDeadlineMs);

      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        errorOutput += chunk;
      });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        // The last piece has no newline yet; keep it for the next chunk.
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('ready ')) {
            ready = true;
            continue;
          }
          try {
            acks.push(parseAck(line, cycle));
          } catch (error) {
            failure ??= error as Error;
            kill();
          }
        }
        if (acks.length >= killAfter) kill();
      });
      child.on('error', (error) => {
        failure ??= error;
      });
      // 'close' fires after stdout is drained, so every ack the child wrote has been read.
      child.on('close', (exitCode, signal) => {
        clearTimeout(deadline);
        if (failure !== undefined) {
          reject(failure);
        } else if (!killedByTest) {
          reject(
            new Error(
              `Cycle ${cycle}: the child exited by itself (${exitCode ?? signal})\n${errorOutput}`,
            ),
          );
        } else {
          // A line cut short by the kill was never fully acknowledged; it is ignored.
          resolve({ acks, ready });
        }
      });
    });
  }

  async function verify(): Promise<Verification> {
    const database = await openDatabase({
      databaseUrl: undefined,
      dataDirectory,
      logger: createSilentLogger(),
    });
    try {
      const rows = await database.kysely
        .selectFrom('events')
        .select(['conversation_id', 'id', 'payload'])
        .orderBy('conversation_id')
        .orderBy('id')
        .execute();
      if (database.withSqliteConnection === undefined)
        throw new Error('Expected a SQLite database');
      const pragmas = await database.withSqliteConnection((connection) => ({
        integrity: connection.pragma('integrity_check', { simple: true }),
        journalMode: connection.pragma('journal_mode', { simple: true }),
        synchronous: connection.pragma('synchronous', { simple: true }),
      }));
      return {
        ...pragmas,
        rows: rows.map((row) => {
          const payload = JSON.parse(row.payload) as { id: number; args?: { content?: string } };
          return {
            conversationId: row.conversation_id,
            id: Number(row.id),
            payloadId: payload.id,
            content: payload.args?.content,
          };
        }),
      };
    } finally {
      await database.close();
    }
  }

  it('keeps every acknowledged append, gap-free and intact, across repeated SIGKILLs', async () => {
    const allAcks: Ack[] = [];
    /** Rows per conversation found by the previous verification. */
    let rowsBefore = new Map<string, number>();

    for (let cycle = 1; cycle <= killCycles; cycle++) {
      const killAfter = minimumAcksPerCycle + Math.floor(Math.random() * 400);
      const result = await runUntilKilled(cycle, killAfter);
      expect(result.ready).toBe(true);
      expect(result.acks.length).toBeGreaterThanOrEqual(killAfter);
      allAcks.push(...result.acks);

      // The restarted child continued the existing log instead of starting again.
      for (const ack of result.acks) {
        expect(ack.firstId).toBeGreaterThanOrEqual(rowsBefore.get(ack.conversationId) ?? 0);
      }

      const verification = await verify();
      expect(verification.integrity).toBe('ok');
      expect(verification.journalMode).toBe('wal');
      expect(verification.synchronous).toBe(2);

      // (a) Every acknowledged event is there, with the id it was given and its own content.
      const contentById = new Map<string, string | undefined>();
      for (const row of verification.rows) {
        contentById.set(`${row.conversationId}/${row.id}`, row.content);
      }
      const lost: string[] = [];
      for (const ack of allAcks) {
        ack.contents.forEach((content, index) => {
          const key = `${ack.conversationId}/${ack.firstId + index}`;
          const found = contentById.get(key);
          if (found !== content) {
            lost.push(`cycle ${ack.cycle}: ${key} should hold ${content}, holds ${String(found)}`);
          }
        });
      }
      expect(lost).toEqual([]);

      // (b) Per conversation, ids run 0, 1, 2, … with no gap, and each payload carries its row's id.
      const idsByConversation = new Map<string, number[]>();
      for (const row of verification.rows) {
        const ids = idsByConversation.get(row.conversationId) ?? [];
        ids.push(row.id);
        idsByConversation.set(row.conversationId, ids);
        expect(row.payloadId).toBe(row.id);
      }
      for (const [conversationId, ids] of idsByConversation) {
        expect({ conversationId, ids }).toEqual({
          conversationId,
          ids: Array.from({ length: ids.length }, (_unused, index) => index),
        });
      }
      // No append was written twice: every content is unique.
      const contents = verification.rows.map((row) => row.content);
      expect(new Set(contents).size).toBe(contents.length);

      rowsBefore = new Map(
        [...idsByConversation].map(([conversationId, ids]) => [conversationId, ids.length]),
      );
    }

    // Every conversation was written, and more than one run's acks are in the log.
    expect([...rowsBefore.keys()].sort()).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(new Set(allAcks.map((ack) => ack.cycle)).size).toBe(killCycles);
  }, 60_000);
});
