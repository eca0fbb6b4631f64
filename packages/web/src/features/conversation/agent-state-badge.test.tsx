/** @vitest-environment jsdom */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { AgentStateBadge } from './agent-state-badge';

afterEach(cleanup);

it('names a V1 paused conversation "Stopped", since that is what the Stop button leads to', () => {
  render(<AgentStateBadge agentState={null} executionStatus="paused" />);
  const badge = screen.getByTestId('agent-state');
  expect(badge.textContent).toBe('Agent: Stopped');
  expect(badge.dataset['state']).toBe('paused');
});

it('prefers the agent state when known, and says Unknown when nothing is', () => {
  render(<AgentStateBadge agentState="paused" executionStatus="paused" />);
  expect(screen.getByTestId('agent-state').textContent).toBe('Agent: Paused');
  cleanup();
  render(<AgentStateBadge agentState={null} executionStatus={null} />);
  expect(screen.getByTestId('agent-state').textContent).toBe('Agent: Unknown');
});
