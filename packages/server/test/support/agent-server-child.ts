// A child process for the agent crash-recovery test: runs the whole app on the SQLite database in
// the data directory argv[2], with its default LLM at the fake server argv[3], creates a
// conversation with a first message and reports every committed event until it is killed.
// Run as `node --import tsx agent-server-child.ts <data directory> <llm base url>`.
//
//   conversation <id>
//   committed <id> <kind>      (one line per committed event, written synchronously)
import { writeSync } from 'node:fs';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createSilentLogger } from '../../src/shared/logger.js';

const [dataDirectory, llmBaseUrl] = process.argv.slice(2);
if (dataDirectory === undefined || llmBaseUrl === undefined) {
  process.stderr.write('usage: agent-server-child.ts <data directory> <llm base url>\n');
  process.exit(2);
}

function writeLine(line: string): void {
  let buffer = Buffer.from(`${line}\n`);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(1, buffer));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

const config = loadConfig(
  {
    PORT: '0',
    PARLEY_DATA_DIR: dataDirectory,
    LOG_LEVEL: 'silent',
    PARLEY_RATE_LIMIT_PER_SECOND: '0',
    LLM_MODEL: 'openai/gpt-test',
    LLM_BASE_URL: llmBaseUrl,
    LLM_API_KEY: 'sk-test-key',
    PARLEY_TITLE_FROM_LLM: 'false',
    PARLEY_DELTA_INTERVAL_MS: '10',
  },
  { dotenvPath: false },
);
const app = await createApp(config, { logger: createSilentLogger() });
app.eventStore.onCommit((_conversationId, events) => {
  for (const event of events) {
    writeLine(`committed ${event.id} ${'streaming_delta' in event ? 'delta' : 'event'}`);
  }
});
const response = await app.http.inject({
  method: 'POST',
  url: '/api/conversations',
  payload: { initial_user_msg: 'Tell me a long story' },
});
const { conversation_id: conversationId } = JSON.parse(response.body) as {
  conversation_id: string;
};
writeLine(`conversation ${conversationId}`);
