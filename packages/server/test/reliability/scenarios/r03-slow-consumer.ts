/**
 * R3: one client stops reading while its conversation is flooded and many other clients read at
 * full speed. The server must cut the slow one with an explicit reason (V1 close 4008) instead of
 * buffering for it, its memory may grow by about that connection's cap, the fast clients get
 * everything, and the slow one catches up by replay with no gap once it reads again.
 */
import type { Socket } from 'node:net';
import { atMost, buildResult, megabytes } from '../build-result.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation, rest } from '../rest-client.js';
import type { Scenario } from '../scenario.js';
import type { ServerProcess } from '../server-process.js';
import { lastLogId, untilCaughtUp, untilQuiet } from '../settle.js';
import { ResumingClient } from '../stream-clients.js';

/** RSS allowance beyond the cap for what a flood costs anyway (GC timing, allocator pages). */
const rssNoiseBytes = 48 * 1024 * 1024;

export const slowConsumer: Scenario = {
  id: 'R3',
  title: 'slow consumer',
  databases: ['sqlite'],
  async run(context) {
    const full = context.profile === 'full';
    const capBytes = full ? 8 * 1024 * 1024 : 2 * 1024 * 1024;
    const fastClients = full ? 100 : 10;
    const messages = full ? 600 : 250;
    const messageBytes = 64 * 1024;
    const environment = await ScenarioEnvironment.create(context.database, {
      defaultBehaviour: { kind: 'reply', text: 'ok' },
    });
    try {
      const server = await environment.startServer({
        PARLEY_OUTBOUND_BUFFER_BYTES: String(capBytes),
      });
      const conversationId = await createConversation(server.url);
      const clients = Array.from(
        { length: fastClients },
        (_, index) =>
          new ResumingClient(
            environment.history.stream(
              `fast-${index}`,
              conversationId,
              index % 2 === 0 ? 'v1' : 'socket.io',
            ),
            { baseUrl: server.url },
          ),
      );
      for (const client of clients) await client.connect();

      // Control: the same flood with only the fast clients.
      const controlPeak = await flood(
        environment,
        server,
        conversationId,
        messages,
        messageBytes,
        'control',
      );

      // The slow client: a V1 socket whose TCP socket stops reading right after the upgrade.
      const slow = new ResumingClient(environment.history.stream('slow', conversationId, 'v1'), {
        baseUrl: server.url,
      });
      await slow.connect(lastLogId(await environment.readLogs(), conversationId));
      const slowSocket = slow.webSocketForTest;
      const tcp = (slowSocket as unknown as { _socket?: Socket } | undefined)?._socket;
      tcp?.pause();
      context.progress(`slow flood (paused: ${tcp !== undefined})`);
      const slowPeak = await flood(
        environment,
        server,
        conversationId,
        messages,
        messageBytes,
        'slow',
      );
      tcp?.resume();
      context.progress('waiting for the cut');
      await slow.untilEnded();
      const cut = slow.lastEnd;
      clients.push(slow);

      const stored = await untilQuiet(environment);
      await untilCaughtUp(clients, stored);
      for (const client of clients) client.disconnect();
      await server.stop('SIGTERM');
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: 1,
        bounds: [
          {
            name: 'the slow client is cut with a reason',
            pass: cut?.code === 4008,
            detail: `close ${cut?.code ?? 'none'} ${cut?.reason ?? ''}`.trim(),
          },
          atMost(
            'extra peak RSS with the slow client (MB)',
            megabytes(Math.max(0, slowPeak - controlPeak)),
            megabytes(capBytes * 1.1 + rssNoiseBytes),
          ),
        ],
        notes: [
          `cap ${megabytes(capBytes)} MB; ${fastClients} fast clients; flood of ${messages} × ${messageBytes / 1024} KB messages; control peak ${megabytes(controlPeak)} MB, with the slow client ${megabytes(slowPeak)} MB (allowance for noise ${megabytes(rssNoiseBytes)} MB)`,
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};

/** Posts `count` large messages as fast as the server takes them; returns the peak RSS seen. */
async function flood(
  environment: ScenarioEnvironment,
  server: ServerProcess,
  conversationId: string,
  count: number,
  bytes: number,
  label: string,
): Promise<number> {
  await untilQuiet(environment);
  let peak = server.rssBytes();
  const filler = 'x'.repeat(bytes);
  const senders = Array.from({ length: 4 }, async (_, sender) => {
    for (let index = sender; index < count; index += 4) {
      const token = environment.history.token(`r3-${label}`);
      // A client `run` action is logged (with its error observation: Parley has no sandbox)
      // without starting an agent turn, so the flood does not grow a model prompt.
      await environment.history.record(label, conversationId, token, async () => {
        const answer = await rest(
          server.url,
          'POST',
          `/api/conversations/${conversationId}/events`,
          {
            action: 'run',
            args: { command: `echo ${token} ${filler}` },
          },
        );
        return { acknowledged: answer.status === 200, detail: String(answer.status) };
      });
      peak = Math.max(peak, server.rssBytes());
    }
  });
  await Promise.all(senders);
  await untilQuiet(environment);
  return Math.max(peak, server.rssBytes());
}
