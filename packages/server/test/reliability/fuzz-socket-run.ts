/**
 * Sends R5's fuzzed frames over one connection per face and counts what came back. The protocol's
 * own parsers are the oracle: every frame they refuse must draw exactly one error frame, every
 * one they take none (a well-formed message is then stored: the scenario records it as a write).
 * A closing well-formed message (the sentinel) marks the end: once its echo arrives, every
 * earlier frame has been handled.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseIncomingAction, v1ClientFrameSchema, v1UserMessageAction } from '@parley/protocol';
import { jsonNestsDeeperThan, maximumJsonDepth } from '../../src/shared/json-depth.js';
import { within } from './deadline.js';
import type { SocketIoInput, V1Input } from './fuzz-socket-inputs.js';
import { SocketIoProbe, V1Probe, type ProbeTarget } from './socket-probes.js';

export interface SocketFuzzOutcome {
  readonly face: 'socket.io' | 'v1';
  readonly sent: number;
  /** Frames the protocol's parsers refuse: each must draw one error frame. */
  readonly invalid: number;
  readonly errorFrames: number;
  /** Tokens of the well-formed messages sent (the sentinel's last). */
  readonly validTokens: string[];
  /** How the connection ended during the run (undefined: it stayed open, as it must). */
  readonly ended: string | undefined;
}

function acceptedAction(payload: unknown): boolean {
  try {
    parseIncomingAction(payload);
    return true;
  } catch {
    return false;
  }
}

/** Whether the Socket.IO face answers an input with an error frame. */
function socketIoRefuses(input: SocketIoInput): boolean {
  // An event whose arguments nest past the server's depth limit is refused before it is parsed
  // (a raw packet `2[...]`: its JSON, the argument array included, may nest one level more).
  if (input.kind === 'raw' && jsonNestsDeeperThan(input.packet.slice(1), maximumJsonDepth + 1)) {
    return true;
  }
  return !acceptedAction(input.payload);
}

/** What the V1 face makes of a frame: an error, a message, or an ignored auth frame. */
function v1Verdict(input: V1Input): 'invalid' | 'message' | 'ignored' {
  if (input.binary) return 'invalid';
  // JSON nested past the server's depth limit is refused before it is parsed.
  if (jsonNestsDeeperThan(String(input.data), maximumJsonDepth)) return 'invalid';
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(input.data));
  } catch {
    return 'invalid';
  }
  const frame = v1ClientFrameSchema.safeParse(parsed);
  if (!frame.success) return 'invalid';
  if ('type' in frame.data) return 'ignored';
  return acceptedAction(v1UserMessageAction(frame.data)) ? 'message' : 'invalid';
}

type Verdict = 'invalid' | 'message' | 'ignored';

/** One face as the fuzz run drives it (`socketIoFace`, `v1Face`). */
export interface FuzzedFace<Input> {
  readonly face: SocketFuzzOutcome['face'];
  /** The face's name in errors and deadlines. */
  readonly label: string;
  readonly probe: SocketIoProbe | V1Probe;
  send(input: Input): void;
  /** What the face makes of an input: an error frame, a stored message, or nothing. */
  verdict(input: Input): Verdict;
  /** Sends a well-formed message with this text. */
  sendMessage(text: string): void;
}

/** Sends every input, then the sentinel, and waits for the sentinel's echo (or the end). */
export async function fuzzSocket<Input extends { readonly token: string | undefined }>(
  face: FuzzedFace<Input>,
  inputs: readonly Input[],
  sentinel: string,
  timeoutMs: number,
): Promise<SocketFuzzOutcome> {
  const probe = face.probe;
  if (!(await within(probe.untilOpenOrEnded(), timeoutMs, `${face.label} fuzz connect`))) {
    throw new Error(`the ${face.label} fuzz connection was refused: ${probe.ended ?? ''}`);
  }
  let invalid = 0;
  const validTokens: string[] = [];
  for (const [index, input] of inputs.entries()) {
    face.send(input);
    const verdict = face.verdict(input);
    if (verdict === 'invalid') invalid += 1;
    else if (verdict === 'message' && input.token !== undefined) validTokens.push(input.token);
    if (index % 20 === 19) await yieldToLoop();
  }
  face.sendMessage(`${sentinel} end of fuzz`);
  validTokens.push(sentinel);
  await within(
    Promise.race([probe.untilText(sentinel), probe.untilEnded()]),
    timeoutMs,
    `${face.label} fuzz sentinel`,
  );
  const ended = probe.ended;
  probe.close();
  return {
    face: face.face,
    sent: inputs.length,
    invalid,
    errorFrames: probe.errorFrames.length,
    validTokens,
    ended,
  };
}

/** The V0 face over Socket.IO: a payload is refused or taken as a message. */
export function socketIoFace(target: ProbeTarget): FuzzedFace<SocketIoInput> {
  const probe = new SocketIoProbe(target);
  return {
    face: 'socket.io',
    label: 'Socket.IO',
    probe,
    send: (input) => {
      if (input.kind === 'raw') probe.sendRawPacket(input.packet);
      else probe.send(input.payload);
    },
    verdict: (input) => (socketIoRefuses(input) ? 'invalid' : 'message'),
    sendMessage: (text) => probe.send({ action: 'message', args: { content: text } }),
  };
}

/** The V1 face over a raw WebSocket. */
export function v1Face(target: ProbeTarget): FuzzedFace<V1Input> {
  const probe = new V1Probe(target);
  return {
    face: 'v1',
    label: 'V1',
    probe,
    send: (input) => probe.send(input.data, { binary: input.binary }),
    verdict: v1Verdict,
    sendMessage: (text) =>
      probe.send(JSON.stringify({ role: 'user', content: [{ type: 'text', text }] })),
  };
}
