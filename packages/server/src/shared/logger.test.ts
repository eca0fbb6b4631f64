import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../test/support/test-logger.js';

describe('logger', () => {
  it('redacts Authorization and API-key headers and secret fields', () => {
    const { logger, lines } = createCapturingLogger();
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer sk-live',
            'x-session-api-key': 'session-key',
            host: 'h',
          },
        },
        headers: { 'x-api-key': 'api-key-1' },
        llm: { apiKey: 'sk-nested', model: 'gpt' },
        llm_api_key: 'sk-top',
        session_api_key: 'sess',
        secrets: { github: 'ghp_x' },
      },
      'request',
    );
    const [line] = lines();
    const text = JSON.stringify(line);
    for (const secret of [
      'sk-live',
      'session-key',
      'api-key-1',
      'sk-nested',
      'sk-top',
      'sess"',
      'ghp_x',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      req: {
        headers: { authorization: '[redacted]', 'x-session-api-key': '[redacted]', host: 'h' },
      },
      llm: { apiKey: '[redacted]', model: 'gpt' },
    });
  });

  it('child loggers carry their bindings and errors go under err', () => {
    const { logger, lines } = createCapturingLogger();
    logger
      .child({ module: 'events' })
      .child({ conversationId: 'c1' })
      .error({ err: new Error('bad') }, 'failed');
    expect(lines()[0]).toMatchObject({
      module: 'events',
      conversationId: 'c1',
      msg: 'failed',
      err: { message: 'bad', type: 'Error' },
    });
  });
});
