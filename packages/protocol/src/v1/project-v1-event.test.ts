import { describe, expect, it } from 'vitest';
import { examples, logged, timestamp } from '../../test/support/v1-projection-examples.js';
import { eventTypeName, eventTypeNames } from '../v0/event-type-names.js';
import {
  projectV1Event,
  v0TypeNamesForV1Kind,
  v1EventKinds,
  v1HistoryTypeNames,
} from './project-v1-event.js';
import { v1EventSchema } from './v1-events.js';

describe('projectV1Event', () => {
  it('has an example of every V0 type', () => {
    expect(Object.keys(examples).sort()).toEqual([...eventTypeNames].sort());
    for (const [name, event] of Object.entries(examples)) expect(eventTypeName(event)).toBe(name);
  });

  it('projects exactly the types of the kind table, each to its kind', () => {
    for (const [name, event] of Object.entries(examples)) {
      const frame = projectV1Event(event);
      const kind = v1EventKinds.find((candidate) =>
        v0TypeNamesForV1Kind(candidate).some((typeName) => typeName === name),
      );
      expect({ name, kind: frame?.kind }).toEqual({ name, kind });
    }
  });

  it('gives every frame the log id as a string, the stored timestamp and a known source', () => {
    for (const event of Object.values(examples)) {
      const frame = projectV1Event(event);
      if (frame === undefined) continue;
      expect(frame.id).toBe(String(event.id));
      expect(frame.timestamp).toBe(timestamp);
      expect(['agent', 'user', 'environment']).toContain(frame.source);
    }
  });

  it('produces frames its own schema reads back unchanged, JSON included', () => {
    for (const event of Object.values(examples)) {
      const frame = projectV1Event(event);
      if (frame === undefined) continue;
      expect(v1EventSchema.parse(frame)).toEqual(frame);
      expect(v1EventSchema.parse(JSON.parse(JSON.stringify(frame)))).toEqual(frame);
    }
  });

  it('null, recall and change_agent_state entries have no V1 form', () => {
    for (const name of [
      'NullAction',
      'NullObservation',
      'RecallAction',
      'RecallObservation',
      'ChangeAgentStateAction',
    ]) {
      expect({ name, frame: projectV1Event(examples[name]!) }).toEqual({ name, frame: undefined });
    }
  });

  it('falls back to the sender a kind implies when the source is missing', () => {
    const message = logged(0, { action: 'message', args: { content: 'x' } });
    expect(projectV1Event(message)).toMatchObject({
      source: 'user',
      llm_message: { role: 'user' },
    });
    const run = logged(0, { action: 'run', args: { command: 'x' } });
    expect(projectV1Event(run)).toMatchObject({ source: 'agent' });
  });

  it('does not share arrays with the stored event', () => {
    const event = logged(0, {
      source: 'user',
      action: 'message',
      args: { content: 'x', image_urls: ['u'] },
    });
    const frame = projectV1Event(event);
    const images = frame?.kind === 'MessageEvent' ? frame.llm_message.content[1] : undefined;
    expect(images).toEqual({ type: 'image', image_urls: ['u'] });
    if (images?.type === 'image') images.image_urls.push('v');
    expect(event).toMatchObject({ args: { image_urls: ['u'] } });
  });
});

describe('V1 kinds and V0 type names', () => {
  it('maps unknown kinds to nothing', () => {
    expect(v0TypeNamesForV1Kind('Nope')).toEqual([]);
    expect(v0TypeNamesForV1Kind('toString')).toEqual([]);
    expect(v0TypeNamesForV1Kind('MessageEvent')).toEqual(['MessageAction', 'AgentFinishAction']);
  });

  it('keeps streaming deltas out of the history and every other projectable type in', () => {
    const projectable = Object.entries(examples)
      .filter(([, event]) => projectV1Event(event) !== undefined)
      .map(([name]) => name);
    expect([...v1HistoryTypeNames].sort()).toEqual(
      projectable.filter((name) => name !== 'StreamingDelta').sort(),
    );
  });
});
