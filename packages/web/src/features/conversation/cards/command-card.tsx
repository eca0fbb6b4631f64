import { useLayoutEffect, useRef } from 'react';
import type { V1ExecuteBashAction, V1ExecuteBashObservation } from '@parley/protocol';
import type { ToolCardState } from './tool-cards';

interface CommandCardBodyProps {
  action: V1ExecuteBashAction;
  /** The command's result, once it ended. */
  observation: V1ExecuteBashObservation | undefined;
  /** Output streamed so far while it runs. */
  liveOutput: string | undefined;
  state: ToolCardState;
}

/** The command in a terminal, its output (live, then final), exit code and working directory. */
export function CommandCardBody({ action, observation, liveOutput, state }: CommandCardBodyProps) {
  const output = observation?.output ?? liveOutput;
  const running = state === 'running';
  const outputRef = useRef<HTMLPreElement>(null);

  // Follow live output as it grows, unless the reader scrolled up inside the card.
  const followRef = useRef(true);
  useLayoutEffect(() => {
    const element = outputRef.current;
    if (element !== null && running && followRef.current) element.scrollTop = element.scrollHeight;
  }, [output, running]);

  const workingDirectory = observation?.metadata['working_dir'];
  const exitCode = observation?.exit_code ?? null;
  return (
    <>
      <div
        className="terminal terminal--command"
        aria-label={action.is_input ? 'Input to the running command' : 'Command'}
        data-testid="command-line"
      >
        <span className="terminal__prompt" aria-hidden="true">
          {action.is_input ? '›' : '$'}
        </span>
        {action.command === '' ? (
          <span className="terminal__note">(waits for more output of the running command)</span>
        ) : (
          <code>{action.command}</code>
        )}
      </div>
      {(output !== undefined || running) && (
        <pre
          ref={outputRef}
          className={`terminal terminal--output${running ? ' terminal--live' : ''}`}
          data-testid="command-output"
          aria-label={running ? 'Output so far' : 'Output'}
          aria-busy={running}
          tabIndex={0}
          onScroll={(event) => {
            const element = event.currentTarget;
            followRef.current =
              element.scrollHeight - element.scrollTop - element.clientHeight < 24;
          }}
        >
          {output === undefined || output === ''
            ? running
              ? 'Waiting for output…'
              : '(no output)'
            : output}
        </pre>
      )}
      {observation !== undefined && (
        <p className="tool-card__meta" data-testid="command-result">
          {observation.timeout ? (
            <span className="tool-card__failure">
              Still running when the agent stopped waiting for it
            </span>
          ) : (
            exitCode !== null && (
              <span
                className={exitCode === 0 ? 'tool-card__success' : 'tool-card__failure'}
                data-testid="exit-code"
              >
                exit code {exitCode}
              </span>
            )
          )}
          {typeof workingDirectory === 'string' && workingDirectory !== '' && (
            <span>
              in <code>{workingDirectory}</code>
            </span>
          )}
        </p>
      )}
    </>
  );
}
