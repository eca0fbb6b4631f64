import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AuthOptions, CurrentUser } from '@parley/protocol';
import { oidcStartPath } from '../../api';
import { auth, describeError } from '../../app/backend';
import { ApiError } from '../../api';
import { ErrorBanner } from '../../components/error-banner';

/** What a refused sign-in says: the server's own words for a lockout, one text for the rest. */
function signInFailure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'AUTH_LOGIN_FAILED') return 'Wrong user name or password.';
    return error.message;
  }
  return describeError(error);
}

/**
 * The sign-in page (accounts mode): a user name and password form, a button to the OpenID
 * provider when one is configured, and account creation when open sign-up is on.
 */
export function SignInPage({
  options,
  onSignedIn,
}: {
  options: AuthOptions;
  onSignedIn: (user: CurrentUser) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = creating
        ? await auth.signUp(username, password)
        : await auth.signIn(username, password);
      onSignedIn(user);
    } catch (caught) {
      setError(signInFailure(caught));
      setBusy(false);
    }
  };

  return (
    <div className="page page--narrow sign-in">
      <h1 className="page__title">{creating ? 'Create an account' : 'Sign in to Parley'}</h1>
      {error !== null && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      {options.oidc && (
        <div className="card">
          <a className="button button--primary" href={oidcStartPath} data-testid="oidc-sign-in">
            Sign in with your organisation
          </a>
        </div>
      )}
      {options.password && (
        <form className="card" onSubmit={submit} data-testid="sign-in-form">
          <div className="field">
            <label htmlFor={`${id}-username`}>User name</label>
            <input
              id={`${id}-username`}
              className="input"
              name="username"
              autoComplete="username"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              required
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              className="input"
              type="password"
              name="password"
              autoComplete={creating ? 'new-password' : 'current-password'}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
          </div>
          <div className="field__row">
            <button type="submit" className="button button--primary" disabled={busy}>
              {creating ? 'Create account' : 'Sign in'}
            </button>
            {options.open_signup && (
              <button
                type="button"
                className="button button--ghost"
                onClick={() => {
                  setCreating((value) => !value);
                  setError(null);
                }}
              >
                {creating ? 'I have an account' : 'Create an account'}
              </button>
            )}
          </div>
        </form>
      )}
    </div>
  );
}
