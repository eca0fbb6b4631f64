import { useId, useState } from 'react';
import { describeError } from '../../../app/backend';

interface ConfirmationButtonsProps {
  /** What the agent asks to do, for the group's description ("run this command"). */
  what: string;
  /** Sends the answer; rejects when the server refused it. */
  onAnswer: (accept: boolean) => Promise<void>;
}

/**
 * Confirm and Reject for an action waiting for the user (confirmation mode). While an answer is
 * on its way both are disabled; once it is taken they give way to a short note (the card's state
 * changes when the agent moves on); a refused answer shows why and the buttons come back.
 */
export function ConfirmationButtons({ what, onAnswer }: ConfirmationButtonsProps) {
  const [sending, setSending] = useState<boolean | null>(null);
  const [answered, setAnswered] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const descriptionId = useId();

  const answer = async (accept: boolean) => {
    setError(null);
    setSending(accept);
    try {
      await onAnswer(accept);
      setAnswered(accept);
    } catch (caught) {
      setError(`Not sent: ${describeError(caught)}`);
    } finally {
      setSending(null);
    }
  };

  if (answered !== null) {
    return (
      <p className="confirmation__sent" role="status">
        {answered ? 'Confirmed; the agent goes ahead.' : 'Rejected; the agent will not do it.'}
      </p>
    );
  }
  return (
    <div
      className="confirmation"
      role="group"
      aria-label="Confirm or reject"
      aria-describedby={descriptionId}
    >
      <p className="confirmation__question" id={descriptionId}>
        The agent asks before it goes on: {what}?
      </p>
      <div className="confirmation__buttons">
        <button
          type="button"
          className="button button--primary button--small"
          onClick={() => void answer(true)}
          disabled={sending !== null}
          data-testid="confirm-button"
        >
          {sending === true ? 'Confirming…' : 'Confirm'}
        </button>
        <button
          type="button"
          className="button button--danger button--small"
          onClick={() => void answer(false)}
          disabled={sending !== null}
          data-testid="reject-button"
        >
          {sending === false ? 'Rejecting…' : 'Reject'}
        </button>
      </div>
      {error !== null && (
        <p className="confirmation__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
