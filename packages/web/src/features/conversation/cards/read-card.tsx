import type { V1FileEditorAction, V1FileEditorObservation } from '@parley/protocol';
import { splitLines } from './line-diff';

interface ReadCardBodyProps {
  action: V1FileEditorAction;
  observation: V1FileEditorObservation | undefined;
}

/** The viewed path (and line range), with what the agent read folded away. */
export function ReadCardBody({ action, observation }: ReadCardBodyProps) {
  const range = action.view_range;
  const rangeText =
    range === null || range.length < 2
      ? ''
      : range[1] === -1
        ? ` from line ${range[0]}`
        : `, lines ${range[0]}–${range[1]}`;
  const lineCount = observation === undefined ? 0 : splitLines(observation.output).length;
  return (
    <>
      <p className="tool-card__path">
        {observation === undefined ? 'Wants to view' : 'Viewed'}{' '}
        <code data-testid="read-path">{action.path}</code>
        {rangeText}
      </p>
      {observation !== undefined && (
        <details className="tool-card__details" data-testid="read-content">
          <summary>
            What the agent read ({lineCount} {lineCount === 1 ? 'line' : 'lines'})
          </summary>
          <pre className="tool-card__text" tabIndex={0}>
            {observation.output === '' ? '(empty)' : observation.output}
          </pre>
        </details>
      )}
    </>
  );
}
