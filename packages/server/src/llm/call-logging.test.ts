import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.js';
import { SecretRegistry } from '../shared/secret-registry.js';
import { answerParts, ScriptedLanguageModel } from '../../test/support/scripted-language-model.js';
import { withCallLogging } from './call-logging.js';
import { LlmBadRequestError, LlmCancelledError, LlmRateLimitError } from './llm-errors.js';

function capturingLogger(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  // The app's registry of secrets, as the settings store would fill it.
  const secrets = new SecretRegistry();
  secrets.set('settings:alice', [secret], 'alice');
  return { logger: createLogger({ level, json: true, destination, secrets }), lines };
}

const secret = 'sk-live-very-secret-key';
const request = {
  messages: [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: `my key is ${secret}` },
  ],
};

describe('withCallLogging', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0))
      rmSync(directory, { recursive: true, force: true });
  });

  it('logs the prompt and the response at debug level, the logger masking the secrets', async () => {
    const { logger, lines } = capturingLogger();
    const model = new ScriptedLanguageModel([{ parts: answerParts(`echo ${secret}`) }]);
    await withCallLogging(model, { logger }).complete(request);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    const prompt = lines.find((line) => line['msg'] === 'LLM prompt');
    expect(prompt?.['prompt']).toBe('Be brief.\n\n----------\n\nmy key is <secret_hidden>');
    const response = lines.find((line) => line['msg'] === 'LLM response');
    expect(response?.['response']).toBe('echo <secret_hidden>');
  });

  it('logs nothing about prompts above debug level', async () => {
    const { logger, lines } = capturingLogger('info');
    const model = new ScriptedLanguageModel([{ parts: answerParts('fine') }]);
    await withCallLogging(model, { logger }).complete(request);
    expect(lines).toEqual([]);
  });

  it('logs a failure at warn and a cancellation at debug, and rethrows both', async () => {
    const { logger, lines } = capturingLogger();
    const failing = new ScriptedLanguageModel([
      { error: new LlmRateLimitError('slow down') },
      { error: new LlmCancelledError('stop') },
    ]);
    const logged = withCallLogging(failing, { logger });
    await expect(logged.complete(request)).rejects.toBeInstanceOf(LlmRateLimitError);
    await expect(logged.complete(request)).rejects.toBeInstanceOf(LlmCancelledError);
    expect(
      lines.filter((line) => line['msg'] === 'LLM call failed').map((line) => line['level']),
    ).toEqual([40]);
    expect(lines.some((line) => line['msg'] === 'LLM call cancelled' && line['level'] === 20)).toBe(
      true,
    );
  });

  it('a failure log carries a summary of the error, never the request body it may hold', async () => {
    const { logger, lines } = capturingLogger();
    const cause = Object.assign(new Error('Bad request'), {
      requestBodyValues: { messages: [{ role: 'user', content: 'private prompt text' }] },
    });
    const failing = new ScriptedLanguageModel([
      {
        error: new LlmBadRequestError('The LLM provider answered 400', { cause, statusCode: 400 }),
      },
    ]);
    await expect(withCallLogging(failing, { logger }).complete(request)).rejects.toBeInstanceOf(
      LlmBadRequestError,
    );
    const failure = lines.find((line) => line['msg'] === 'LLM call failed');
    expect(failure?.['failure']).toEqual({
      name: 'LlmBadRequestError',
      code: 'LLM_BAD_REQUEST',
      statusCode: 400,
      message: 'The LLM provider answered 400 ← Bad request',
    });
    expect(JSON.stringify(lines)).not.toContain('private prompt text');
  });

  it('writes one completion log per call, as upstream names and shapes it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'parley-completions-'));
    directories.push(directory);
    const completionLogDirectory = join(directory, 'completions');
    const { logger } = capturingLogger('silent');
    const model = new ScriptedLanguageModel(
      [{ parts: answerParts('first') }, { parts: answerParts('second') }],
      'openai/gpt-4o',
    );
    let clock = 1_700_000_000.5;
    const logged = withCallLogging(model, {
      logger,
      secrets: [secret],
      completionLogDirectory,
      now: () => (clock += 1),
    });
    await logged.complete({ ...request, temperature: 0 });
    await logged.complete(request);
    const files = readdirSync(completionLogDirectory).sort();
    expect(files).toEqual(['openai__gpt-4o-1700000001.5.json', 'openai__gpt-4o-1700000002.5.json']);
    const entry = JSON.parse(
      readFileSync(join(completionLogDirectory, files[0]!), 'utf8'),
    ) as Record<string, unknown>;
    expect(entry).toMatchObject({
      messages: [{ role: 'system' }, { role: 'user', content: 'my key is <secret_hidden>' }],
      response: { text: 'first', finishReason: 'stop', toolCalls: [] },
      args: { temperature: 0 },
      timestamp: 1_700_000_001.5,
      cost: 0.001,
    });
  });
});
