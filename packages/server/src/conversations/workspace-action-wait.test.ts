import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentStateChanged, messageAction, runAction } from '../../test/support/event-fixtures.js';
import { createSqliteDatabase, type TestDatabase } from '../../test/support/test-databases.js';
import { createSilentLogger } from '../shared/logger.js';
import { AbortedError } from '../shared/errors.js';
import type { NewEvent, StoredEvent } from '../events/event-store.js';
import { SqlEventStore } from '../events/sql-event-store.js';
import {
  hasRunningWorkspaceAction,
  untilWorkspaceActionsAnswered,
} from './workspace-action-wait.js';

const conversationId = 'c'.repeat(32);

/** A log from its events, oldest first (ids 0, 1, …), handed over newest first. */
function newestFirst(...events: NewEvent[]): StoredEvent[] {
  return events
    .map((event, id) => ({ ...event, id, timestamp: '2025-01-01T00:00:00' }) as StoredEvent)
    .reverse();
}

function answer(cause: number): NewEvent {
  return {
    source: 'agent',
    message: 'Command `x` executed with exit code 0.',
    observation: 'run',
    cause,
    content: '',
    extras: { command: 'x', metadata: { exit_code: 0 } },
  } as NewEvent;
}

function edit(confirmation?: string): NewEvent {
  return {
    source: 'agent',
    message: 'Editing file: /workspace/a.txt',
    action: 'edit',
    args: {
      path: '/workspace/a.txt',
      command: 'create',
      file_text: 'a',
      ...(confirmation === undefined ? {} : { confirmation_state: confirmation }),
    },
  } as NewEvent;
}

describe('hasRunningWorkspaceAction', () => {
  it('an agent command or edit with no answer yet is running; an answered one is not', () => {
    const running = agentStateChanged('running');
    expect(hasRunningWorkspaceAction(newestFirst(running, runAction('x')))).toBe(true);
    expect(hasRunningWorkspaceAction(newestFirst(running, edit()))).toBe(true);
    expect(hasRunningWorkspaceAction(newestFirst(running, runAction('x'), answer(1)))).toBe(false);
    expect(hasRunningWorkspaceAction(newestFirst(running, runAction('x'), answer(1), edit()))).toBe(
      true,
    );
  });

  it("the user's terminal command while the agent waits for input is running", () => {
    const log = newestFirst(
      agentStateChanged('awaiting_user_input'),
      runAction('x', { source: 'user' }),
    );
    expect(hasRunningWorkspaceAction(log)).toBe(true);
  });

  it('a state a turn ends in after the action: it will never be answered', () => {
    for (const state of ['stopped', 'error', 'awaiting_user_input', 'finished'] as const) {
      expect(hasRunningWorkspaceAction(newestFirst(runAction('x'), agentStateChanged(state)))).toBe(
        false,
      );
    }
    // A state that does not end the turn does not count.
    expect(
      hasRunningWorkspaceAction(newestFirst(runAction('x'), agentStateChanged('user_confirmed'))),
    ).toBe(true);
  });

  it('an action awaiting confirmation has not run, and other actions are not waited for', () => {
    expect(hasRunningWorkspaceAction(newestFirst(edit('awaiting_confirmation')))).toBe(false);
    expect(hasRunningWorkspaceAction(newestFirst(edit('confirmed')))).toBe(true);
    expect(hasRunningWorkspaceAction(newestFirst(messageAction('hi', 'agent')))).toBe(false);
    expect(hasRunningWorkspaceAction([])).toBe(false);
  });
});

describe('untilWorkspaceActionsAnswered', () => {
  let testDatabase: TestDatabase;
  let store: SqlEventStore;
  beforeEach(async () => {
    testDatabase = await createSqliteDatabase();
    store = new SqlEventStore({ database: testDatabase.database, logger: createSilentLogger() });
  });
  afterEach(async () => {
    await store.close();
    await testDatabase.cleanup();
  });

  it('resolves at once when nothing runs', async () => {
    await store.append(conversationId, [messageAction('hi')]);
    await untilWorkspaceActionsAnswered(store, conversationId, { maxWaitMs: 60_000 });
  });

  it("resolves once the action's observation is committed, not before", async () => {
    const [action] = await store.append(conversationId, [runAction('sleep 1')]);
    let settled = false;
    const waiting = untilWorkspaceActionsAnswered(store, conversationId, {
      maxWaitMs: 60_000,
    }).then(() => {
      settled = true;
    });
    // Other commits (a streamed delta) do not end the wait.
    await store.append(conversationId, [
      { source: 'agent', cause: action?.id, streaming_delta: { content: 'partial' } } as NewEvent,
    ]);
    await store.settled();
    expect(settled).toBe(false);
    await store.append(conversationId, [answer(action?.id ?? -1)]);
    await waiting;
    expect(settled).toBe(true);
  });

  it('gives up after maxWaitMs, and an abort rejects', async () => {
    await store.append(conversationId, [runAction('sleep 600')]);
    await untilWorkspaceActionsAnswered(store, conversationId, { maxWaitMs: 0 });
    const controller = new AbortController();
    const waiting = untilWorkspaceActionsAnswered(store, conversationId, {
      maxWaitMs: 60_000,
      signal: controller.signal,
    });
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });
});
