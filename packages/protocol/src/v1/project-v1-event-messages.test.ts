import { describe, expect, it } from 'vitest';
import { examples, logged, timestamp } from '../../test/support/v1-projection-examples.js';
import { projectV1Event } from './project-v1-event.js';

describe('projectV1Event', () => {
  it('user message → MessageEvent with the user role and image parts', () => {
    const event = logged(0, {
      source: 'user',
      message: 'look',
      action: 'message',
      args: { content: 'look', image_urls: ['https://x/a.png', 'https://x/b.png'] },
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'MessageEvent',
      id: '0',
      timestamp,
      source: 'user',
      llm_message: {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', image_urls: ['https://x/a.png', 'https://x/b.png'] },
        ],
      },
      activated_skills: [],
      extended_content: [],
    });
  });

  it('agent message → MessageEvent with the assistant role and no image part', () => {
    const event = logged(3, { source: 'agent', action: 'message', args: { content: 'Hello!' } });
    expect(projectV1Event(event)).toMatchObject({
      kind: 'MessageEvent',
      id: '3',
      source: 'agent',
      llm_message: { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
    });
  });

  it('finish → an agent MessageEvent with the final thought, else the thought, else the message', () => {
    const text = (args: Record<string, unknown>, message?: string) => {
      const frame = projectV1Event(
        logged(5, { source: 'agent', action: 'finish', args, ...(message ? { message } : {}) }),
      );
      expect(frame).toMatchObject({ kind: 'MessageEvent', source: 'agent' });
      return frame?.kind === 'MessageEvent' ? frame.llm_message : undefined;
    };
    expect(text({ final_thought: 'All set', thought: 'hmm' })).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'All set' }],
    });
    expect(text({ final_thought: '', thought: 'thinking done' })?.content).toEqual([
      { type: 'text', text: 'thinking done' },
    ]);
    expect(text({}, 'Finished.')?.content).toEqual([{ type: 'text', text: 'Finished.' }]);
    expect(text({})?.content).toEqual([{ type: 'text', text: '' }]);
  });

  it('system action → SystemPromptEvent with the prompt text and the tools', () => {
    expect(projectV1Event(examples['SystemMessageAction']!)).toEqual({
      kind: 'SystemPromptEvent',
      id: '2',
      timestamp,
      source: 'agent',
      system_prompt: { type: 'text', text: 'You are helpful.' },
      tools: [{ name: 'execute_bash' }],
    });
  });

  it('agent_state_changed → ConversationStateUpdateEvent execution_status', () => {
    expect(projectV1Event(examples['AgentStateChangedObservation']!)).toEqual({
      kind: 'ConversationStateUpdateEvent',
      id: '8',
      timestamp,
      source: 'environment',
      key: 'execution_status',
      value: 'running',
    });
  });

  it('streaming delta → StreamingDeltaEvent, reasoning null when absent', () => {
    expect(projectV1Event(examples['StreamingDelta']!)).toEqual({
      kind: 'StreamingDeltaEvent',
      id: '14',
      timestamp,
      source: 'agent',
      content: 'Hel',
      reasoning_content: null,
    });
    const reasoning = logged(15, { streaming_delta: { content: '', reasoning_content: 'so' } });
    expect(projectV1Event(reasoning)).toMatchObject({ content: '', reasoning_content: 'so' });
  });
});
