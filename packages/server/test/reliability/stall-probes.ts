/**
 * How long one input may hold the server's event loop (R5: no stall over 100 ms): the largest
 * nesting that fits the 4 MiB limit, sent once per face on a quiet server, with the server's own
 * event-loop delay histogram read just before and just after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { within } from './deadline.js';
import { deeplyNested } from './fuzz-rest-inputs.js';
import { httpProbe } from './http-probe.js';
import { loopLag, scrapeMetrics } from './server-metrics.js';
import { SocketIoProbe, V1Probe, type ProbeTarget } from './socket-probes.js';

/** Levels of `[` that, with their `]`, stay just under 4 MiB with the framing around them. */
const maximumDepth = 2 * 1024 * 1024 - 64;

export interface StallFigure {
  readonly input: string;
  readonly maxLagMs: number;
}

async function measured(
  baseUrl: string,
  input: string,
  send: () => Promise<void>,
): Promise<StallFigure> {
  await sleep(200);
  await scrapeMetrics(baseUrl);
  await send();
  // The histogram samples every 10 ms: let it record the stall's end.
  await sleep(50);
  return { input, maxLagMs: loopLag(await scrapeMetrics(baseUrl)).maxMs };
}

export async function deepestInputStalls(target: ProbeTarget): Promise<StallFigure[]> {
  const nested = deeplyNested(maximumDepth, 'array');
  const figures: StallFigure[] = [];
  figures.push(
    await measured(target.baseUrl, 'REST body', async () => {
      await httpProbe(target.baseUrl, {
        method: 'POST',
        path: '/api/settings',
        headers: { 'content-type': 'application/json' },
        body: nested,
      });
    }),
  );
  const v1 = new V1Probe(target);
  await within(v1.untilOpenOrEnded(), 30_000, 'stall probe V1 connect');
  figures.push(
    await measured(target.baseUrl, 'V1 frame', async () => {
      v1.send(nested);
      await within(v1.untilErrors(1), 30_000, 'V1 error frame for the nested frame');
    }),
  );
  v1.close();
  const socketIo = new SocketIoProbe(target);
  await within(socketIo.untilOpenOrEnded(), 30_000, 'stall probe Socket.IO connect');
  figures.push(
    await measured(target.baseUrl, 'Socket.IO message', async () => {
      socketIo.sendRawPacket(`2["oh_user_action",${nested}]`);
      await within(
        Promise.race([socketIo.untilErrors(1), socketIo.untilEnded()]),
        30_000,
        'Socket.IO answer to the nested message',
      );
    }),
  );
  socketIo.close();
  return figures;
}
