import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { readSessionApiKey, writeSessionApiKey } from '../../app/backend';

/**
 * The server's session API key (`SESSION_API_KEY`), kept in this browser only and sent with every
 * request and socket. Saving reloads the page so every client uses it.
 */
export function SessionKeyForm() {
  const [stored] = useState(readSessionApiKey);
  const [key, setKey] = useState('');
  const inputId = useId();
  const hintId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key === '') return;
    writeSessionApiKey(key);
    window.location.reload();
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`} className="card__title">
        This browser
      </h2>
      <div className="field">
        <label htmlFor={inputId}>
          Session API key{' '}
          <span className={stored === null ? 'badge' : 'badge badge--ok'}>
            {stored === null ? 'not set' : 'set'}
          </span>
        </label>
        <div className="field__row">
          <input
            id={inputId}
            className="input"
            type="password"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            autoComplete="off"
            aria-describedby={hintId}
            placeholder="Only if the server sets SESSION_API_KEY"
          />
          <button type="submit" className="button" disabled={key === ''}>
            Use key
          </button>
          {stored !== null && (
            <button
              type="button"
              className="button button--ghost"
              onClick={() => {
                writeSessionApiKey(null);
                window.location.reload();
              }}
            >
              Forget
            </button>
          )}
        </div>
        <p id={hintId} className="field__hint">
          Kept in this browser&apos;s storage and sent as <code>X-Session-API-Key</code>.
        </p>
      </div>
    </form>
  );
}
