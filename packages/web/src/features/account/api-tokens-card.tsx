import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiTokenSummary, CreatedApiToken } from '@parley/protocol';
import { auth, describeError } from '../../app/backend';
import { formatRelativeTime } from '../../app/format';
import { ErrorBanner } from '../../components/error-banner';
import { useAccount } from './account-context';

/**
 * Personal API tokens (accounts mode): programs send one as `Authorization: Bearer …` or as the
 * socket's `session_api_key`. A new token is shown once; revoking one ends its use at once.
 */
export function ApiTokensCard() {
  const { options } = useAccount();
  const [tokens, setTokens] = useState<ApiTokenSummary[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const id = useId();

  useEffect(() => {
    if (options.mode === 'none') return;
    const controller = new AbortController();
    auth
      .listTokens(controller.signal)
      .then(setTokens)
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(describeError(caught));
      });
    return () => controller.abort();
  }, [options.mode, reload]);

  if (options.mode === 'none') return null;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await auth.createToken(name.trim()));
      setName('');
      setReload((value) => value + 1);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  const revoke = async (token: ApiTokenSummary) => {
    setError(null);
    try {
      await auth.revokeToken(token.id);
      if (created?.id === token.id) setCreated(null);
      setReload((value) => value + 1);
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="api-tokens">
      <h2 id={`${id}-title`} className="card__title">
        API tokens
      </h2>
      {error !== null && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      {created !== null && (
        <div className="token-once" role="status" data-testid="new-api-token">
          <p>
            Copy the token <strong>{created.name}</strong> now: it is not shown again.
          </p>
          <code className="token-once__value">{created.token}</code>
        </div>
      )}
      <form className="field" onSubmit={create}>
        <label htmlFor={`${id}-name`}>New token name</label>
        <div className="field__row">
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. laptop script"
            maxLength={100}
          />
          <button type="submit" className="button" disabled={name.trim() === ''}>
            Create token
          </button>
        </div>
      </form>
      {tokens !== null && tokens.length === 0 && <p className="field__hint">No tokens yet.</p>}
      {tokens !== null && tokens.length > 0 && (
        <ul className="token-list">
          {tokens.map((token) => (
            <li key={token.id} className="token-list__item" data-testid="api-token">
              <span className="token-list__name">{token.name}</span>
              <span className="field__hint">
                created {formatRelativeTime(token.created_at)}
                {token.last_used_at === null
                  ? ', never used'
                  : `, last used ${formatRelativeTime(token.last_used_at)}`}
              </span>
              <button
                type="button"
                className="button button--danger button--small"
                onClick={() => void revoke(token)}
                aria-label={`Revoke ${token.name}`}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
