/**
 * One connection per kind of abuse that must end it (R5): a V1 text frame that is not UTF-8
 * (close 1007), a V1 frame over the 4 MiB limit (close 1009), a Socket.IO message over the limit
 * and a Socket.IO packet that does not parse (the connection is dropped), a V1 fragment never
 * finished, and upgrades whose request never ends (held open while the rest of the run goes on).
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BoundCheck } from './scenario.js';
import { within } from './deadline.js';
import { bodyLimitBytes } from './fuzz-rest-inputs.js';
import { SocketIoProbe, V1Probe, type ProbeTarget } from './socket-probes.js';

async function openV1(target: ProbeTarget, timeoutMs: number): Promise<V1Probe> {
  const probe = new V1Probe(target);
  if (!(await within(probe.untilOpenOrEnded(), timeoutMs, 'V1 abuse connect'))) {
    throw new Error(`the V1 connection was refused: ${probe.ended ?? ''}`);
  }
  return probe;
}

async function v1CloseCode(
  target: ProbeTarget,
  frame: string | Buffer,
  timeoutMs: number,
): Promise<string> {
  const probe = await openV1(target, timeoutMs);
  probe.send(frame, { binary: false });
  await within(probe.untilEnded(), timeoutMs, 'V1 abuse close');
  return probe.ended ?? 'open';
}

async function socketIoEnd(
  target: ProbeTarget,
  act: (probe: SocketIoProbe) => void,
  timeoutMs: number,
): Promise<string> {
  const probe = new SocketIoProbe(target);
  if (!(await within(probe.untilOpenOrEnded(), timeoutMs, 'Socket.IO abuse connect'))) {
    throw new Error(`the Socket.IO connection was refused: ${probe.ended ?? ''}`);
  }
  act(probe);
  await within(
    Promise.race([probe.untilEnded(), probe.untilErrors(1)]),
    timeoutMs,
    'Socket.IO abuse answer',
  );
  const answer = probe.ended ?? `error frame ${probe.errorFrames[0] ?? ''}`;
  probe.close();
  return answer;
}

/** Runs every abuse once; `hugeFrameBytes` adds a V1 frame of that size (the spec's 100 MB). */
export async function abuseConnections(
  target: ProbeTarget,
  options: { hugeFrameBytes?: number; timeoutMs: number },
): Promise<{ bounds: BoundCheck[]; faults: number }> {
  const bounds: BoundCheck[] = [];
  const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  const utf8End = await v1CloseCode(target, invalidUtf8, options.timeoutMs);
  bounds.push({
    name: 'V1 invalid UTF-8 closes 1007',
    pass: utf8End.startsWith('close 1007'),
    detail: utf8End,
  });
  const sizes = [
    bodyLimitBytes + 1,
    ...(options.hugeFrameBytes === undefined ? [] : [options.hugeFrameBytes]),
  ];
  for (const size of sizes) {
    const end = await v1CloseCode(target, Buffer.alloc(size, 0x61), options.timeoutMs);
    bounds.push({
      name: `V1 frame of ${size} bytes closes 1009`,
      pass: end.startsWith('close 1009'),
      detail: end,
    });
  }

  const fragment = await openV1(target, options.timeoutMs);
  fragment.send('{"role":"user","content":', { fin: false });
  await sleep(200);
  fragment.close();

  const oversized = await socketIoEnd(
    target,
    (probe) => probe.send('x'.repeat(bodyLimitBytes + 1)),
    options.timeoutMs,
  );
  bounds.push({
    name: 'Socket.IO message over 4 MiB drops the connection',
    pass: oversized.startsWith('disconnect'),
    detail: oversized,
  });
  const unparsable = await socketIoEnd(
    target,
    (probe) => probe.sendRawPacket('2["oh_user_action",{"action":'),
    options.timeoutMs,
  );
  bounds.push({
    name: 'Socket.IO packet that does not parse: dropped or answered',
    pass: unparsable.startsWith('disconnect') || unparsable.startsWith('error frame'),
    detail: unparsable,
  });
  return { bounds, faults: sizes.length + 4 };
}

/** Upgrade requests whose headers never end, held open until `release`. */
export async function slowUpgrades(
  baseUrl: string,
  path: string,
  count: number,
): Promise<{ release(): number }> {
  const url = new URL(baseUrl);
  const sockets: Socket[] = [];
  for (let index = 0; index < count; index++) {
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n`);
    sockets.push(socket);
  }
  return {
    /** Drops them all; returns how many the server had already closed. */
    release() {
      const closedByServer = sockets.filter((socket) => socket.readableEnded || socket.destroyed);
      for (const socket of sockets) socket.destroy();
      return closedByServer.length;
    },
  };
}
