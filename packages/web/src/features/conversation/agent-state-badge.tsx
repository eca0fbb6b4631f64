import type { AgentState, V1ExecutionStatus } from '@parley/protocol';

type Tone = 'neutral' | 'busy' | 'ok' | 'warn' | 'error';

const agentStateLabels: Record<AgentState, [string, Tone]> = {
  loading: ['Starting', 'neutral'],
  running: ['Working', 'busy'],
  awaiting_user_input: ['Waiting for you', 'ok'],
  paused: ['Paused', 'warn'],
  stopped: ['Stopped', 'warn'],
  finished: ['Finished', 'ok'],
  rejected: ['Gave up', 'warn'],
  error: ['Error', 'error'],
  awaiting_user_confirmation: ['Needs confirmation', 'warn'],
  user_confirmed: ['Working', 'busy'],
  user_rejected: ['Rejected', 'warn'],
  rate_limited: ['Rate limited, retrying', 'busy'],
};

// V1 has no "stopped": the server reports a stopped agent as `paused` (a stop there is a pause that the
// next message resumes), and this page only ever stops. So the word the user sees is "Stopped".
const executionStatusLabels: Record<V1ExecutionStatus, [string, Tone]> = {
  idle: ['Ready', 'ok'],
  running: ['Working', 'busy'],
  paused: ['Stopped', 'warn'],
  waiting_for_confirmation: ['Needs confirmation', 'warn'],
  finished: ['Finished', 'ok'],
  error: ['Error', 'error'],
  stuck: ['Stuck', 'error'],
  deleting: ['Deleting', 'neutral'],
};

interface AgentStateBadgeProps {
  agentState: AgentState | null;
  executionStatus: V1ExecutionStatus | null;
}

/** The agent's state in words, with a colour; the raw value sits in `data-state` for tests. */
export function AgentStateBadge({ agentState, executionStatus }: AgentStateBadgeProps) {
  const [label, tone] =
    agentState !== null
      ? agentStateLabels[agentState]
      : executionStatus !== null
        ? executionStatusLabels[executionStatus]
        : (['Unknown', 'neutral'] as [string, Tone]);
  return (
    <span
      className={`badge badge--${tone}`}
      data-testid="agent-state"
      data-state={agentState ?? executionStatus ?? 'unknown'}
      aria-live="polite"
    >
      <span className="badge__dot" aria-hidden="true" />
      <span className="visually-hidden">Agent: </span>
      {label}
    </span>
  );
}
