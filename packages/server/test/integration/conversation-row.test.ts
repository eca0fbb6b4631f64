import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events/event-store.js';
import { SqlEventStore } from '../../src/events/sql-event-store.js';
import { SqlConversationStore } from '../../src/conversations/sql-conversation-store.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { messageAction } from '../support/event-fixtures.js';
import { testDatabaseBackends, type TestDatabase } from '../support/test-databases.js';

const backends = await testDatabaseBackends();

function agentReplyWithMetrics(cost: number, prompt: number, completion: number): NewEvent {
  return {
    ...messageAction('reply', 'agent'),
    llm_metrics: {
      accumulated_cost: cost,
      max_budget_per_task: null,
      accumulated_token_usage: {
        model: 'demo',
        prompt_tokens: prompt,
        completion_tokens: completion,
        cache_read_tokens: 3,
        cache_write_tokens: 4,
        context_window: 8192,
        per_turn_token: prompt + completion,
        response_id: 'r1',
      },
      costs: [],
      response_latencies: [],
      token_usages: [],
    },
  } as NewEvent;
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`conversation row and event log on ${backend.name}`, () => {
    let testDatabase: TestDatabase;
    let events: SqlEventStore;
    let conversations: SqlConversationStore;
    const created = new Date('2026-01-01T00:00:00.000Z');

    beforeEach(async () => {
      testDatabase = await backend.create();
      events = new SqlEventStore({ database: testDatabase.database, logger: createSilentLogger() });
      conversations = new SqlConversationStore({
        database: testDatabase.database,
        now: () => created,
      });
      await conversations.create({ conversationId: 'c1', userId: 'alice' });
    });
    afterEach(async () => {
      await events.close();
      await testDatabase.cleanup();
    });

    it('moves last_updated_at to the timestamp of the committed batch', async () => {
      const [stored] = await events.append('c1', [messageAction('hello')]);
      const row = await conversations.get('alice', 'c1');
      expect(row?.lastUpdatedAt).toBe(stored?.timestamp);
      expect(row?.lastUpdatedAt).not.toBe(created.toISOString());
    });

    it('copies the latest llm_metrics of a batch into the totals', async () => {
      await events.append('c1', [agentReplyWithMetrics(0.5, 100, 20)]);
      await events.append('c1', [messageAction('no metrics here')]);
      await events.append('c1', [
        agentReplyWithMetrics(0.75, 150, 30),
        agentReplyWithMetrics(1.25, 200, 50),
      ]);
      const row = await conversations.get('alice', 'c1');
      expect(row).toMatchObject({
        accumulatedCost: 1.25,
        promptTokens: 200,
        completionTokens: 50,
        totalTokens: 250,
        cacheReadTokens: 3,
        cacheWriteTokens: 4,
        contextWindow: 8192,
        perTurnToken: 250,
      });
    });

    it('leaves other conversations alone and tolerates events without a row', async () => {
      await conversations.create({ conversationId: 'c2', userId: 'alice' });
      await events.append('no-row', [agentReplyWithMetrics(9, 9, 9)]);
      await events.append('c1', [agentReplyWithMetrics(1, 2, 3)]);
      const other = await conversations.get('alice', 'c2');
      expect(other).toMatchObject({ accumulatedCost: 0, totalTokens: 0 });
      expect(other?.lastUpdatedAt).toBe(created.toISOString());
      expect(await events.count('no-row')).toBe(1);
    });
  });
}
