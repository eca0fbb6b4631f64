// @ts-check
// One B3 participant's server, started in this process with a conversation to replay: the raw
// SQLite + `ws` peer (bench/peers/raw-sqlite-ws-replay.mjs, `raw-replay`, or `raw-replay-corked`
// with each page's frames in one writev) or Parley from dist (`parley-v1`, `parley-socketio`). Used
// by the B3 server process (replay-server-child.mjs) and the CPU-only replay program
// (replay-cpu.mjs), so both replay the same seeded log.
import { agentMessage, benchText } from './realtime-payload.mjs';

/**
 * @typedef {{
 *   publish: (conversationId: string, text: string) => unknown,
 *   close: () => unknown,
 * }} ReplayServer  what the caller drives: live appends and the close
 */

/**
 * Starts `participant` with its data in `dataDirectory` and appends `events` agent messages (bench
 * kind `rp`, seq 0…events-1, `textChars` long), 100 per append, to the conversation to replay.
 * `replay.baseId` is the id just before the first seeded event (conversation creation may log
 * events of its own). With `live` true the participant also has a second conversation for live
 * events (`live`, with its latest id).
 * @param {{ participant: string, events: number, textChars: number, dataDirectory: string, live?: boolean }} settings
 */
export async function startReplayParticipant({
  participant,
  events,
  textChars,
  dataDirectory,
  live = false,
}) {
  const texts = Array.from({ length: events }, (_, seq) => benchText('rp', seq, 0, textChars));
  const batches = [];
  for (let first = 0; first < events; first += 100) batches.push(texts.slice(first, first + 100));
  if (participant === 'raw-replay' || participant === 'raw-replay-corked') {
    const { startRawSqliteWsReplay } = await import('../peers/raw-sqlite-ws-replay.mjs');
    const peer = await startRawSqliteWsReplay({
      dataDirectory,
      corkPages: participant === 'raw-replay-corked',
    });
    for (const batch of batches) {
      peer.append(
        'replayed',
        batch.map((text) => agentMessage(text)),
      );
    }
    /** @type {ReplayServer} */
    const server = {
      close: () => peer.close(),
      publish: (conversationId, text) => peer.publish(conversationId, agentMessage(text)),
    };
    return {
      server,
      available: true,
      reason: undefined,
      port: peer.port,
      replay: { id: 'replayed', baseId: -1, lastId: peer.latestId('replayed') },
      live: live ? { id: 'live', latestId: -1 } : undefined,
    };
  }
  const { startParley } = await import('./realtime-parley.mjs');
  const parley = await startParley({
    face: participant === 'parley-v1' ? 'v1' : 'socketio',
    conversations: live ? 2 : 1,
    dataDirectory,
  });
  const [replayed, second] = parley.conversations;
  if (replayed === undefined) throw new Error('Parley started without a conversation to replay');
  let lastId = replayed.latestId;
  for (const batch of batches) lastId = await parley.appendTexts(replayed.id, batch);
  return {
    server: /** @type {ReplayServer} */ (parley),
    available: parley.available,
    reason: parley.reason,
    port: parley.port,
    replay: { id: replayed.id, baseId: replayed.latestId, lastId },
    live:
      live && second !== undefined
        ? { id: second.id, latestId: await parley.latestId(second.id) }
        : undefined,
  };
}
