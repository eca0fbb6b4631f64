/**
 * R6's socket probes: a connection that presents no key or a wrong one, or the right key with a
 * hostile conversation id, must be refused the way design.md §10 says (Socket.IO `connect_error`,
 * V1 close 4001 / 4004) and must receive nothing of any conversation before that.
 */
import { within } from './deadline.js';
import { SocketIoProbe, V1Probe } from './socket-probes.js';

export interface SocketRefusal {
  readonly label: string;
  readonly pass: boolean;
  readonly ended: string;
  /** Everything the connection received, for the canary check. */
  readonly frames: readonly string[];
}

const timeoutMs = 30_000;

/** Connects over Socket.IO; passes when refused with a connect error matching `expected`. */
export async function socketIoRefusal(
  label: string,
  baseUrl: string,
  conversationId: string,
  sessionApiKey: string | undefined,
  expected: RegExp,
): Promise<SocketRefusal> {
  const probe = new SocketIoProbe({
    baseUrl,
    conversationId,
    ...(sessionApiKey === undefined ? {} : { sessionApiKey }),
    query: { latest_event_id: '-1' },
  });
  const opened = await within(probe.untilOpenOrEnded(), timeoutMs, `${label}: connect`);
  probe.close();
  const ended = opened ? 'connected' : (probe.ended ?? '');
  return {
    label: `Socket.IO ${label}`,
    pass: !opened && expected.test(ended),
    ended,
    frames: probe.frames,
  };
}

/**
 * Connects to the V1 socket (key in the URL, or `authFrame` as the first frame, or nothing);
 * passes when closed with `expectedCode` or refused at the upgrade with a 4xx.
 */
export async function v1Refusal(
  label: string,
  baseUrl: string,
  conversationId: string,
  options: { sessionApiKey?: string; authFrame?: string; expectedCode: number },
): Promise<SocketRefusal> {
  const probe = new V1Probe({
    baseUrl,
    conversationId,
    ...(options.sessionApiKey === undefined ? {} : { sessionApiKey: options.sessionApiKey }),
    query: { resend_all: 'true' },
  });
  const opened = await within(probe.untilOpenOrEnded(), timeoutMs, `${label}: connect`);
  if (opened && options.authFrame !== undefined) probe.send(options.authFrame);
  await within(probe.untilEnded(), timeoutMs, `${label}: close`);
  const ended = probe.ended ?? '';
  const refusedAtUpgrade = /Unexpected server response: 4\d\d/.test(ended);
  return {
    label: `V1 ${label}`,
    pass: probe.closeCode === options.expectedCode || (!opened && refusedAtUpgrade),
    ended,
    frames: probe.frames,
  };
}
