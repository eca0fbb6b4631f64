import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { createTestConfig } from '../../support/test-config.js';

describe('LLM calls in /metrics', () => {
  let app: App | undefined;
  afterEach(async () => {
    if (app === undefined) return;
    await app.close();
    rmSync(app.config.dataDirectory, { recursive: true, force: true });
    app = undefined;
  });

  it('counts a call and its tokens, and a cancelled call as aborted', async () => {
    app = await createApp(createTestConfig({ PARLEY_DEMO_TOKEN_DELAY_MS: '0' }), {
      logger: createSilentLogger(),
    });
    const model = app.languageModels.create({ model: 'demo' });
    await model.complete({ messages: [{ role: 'user', content: 'hello' }] });
    const controller = new AbortController();
    controller.abort('stop');
    await expect(
      model.complete(
        { messages: [{ role: 'user', content: 'again' }] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow();
    const text = (await app.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(
      /parley_llm_calls_total\{provider="demo",model="demo",outcome="success"\} 1/,
    );
    expect(text).toMatch(
      /parley_llm_calls_total\{provider="demo",model="demo",outcome="aborted"\} 1/,
    );
    expect(text).toMatch(
      /parley_llm_tokens_total\{provider="demo",model="demo",kind="completion"\} [1-9]/,
    );
  });
});
