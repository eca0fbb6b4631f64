import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { AuthOptions, CurrentUser } from '@parley/protocol';
import { auth, describeError } from '../../app/backend';
import { ErrorBanner } from '../../components/error-banner';
import { Spinner } from '../../components/spinner';
import { SignInPage } from './sign-in-page';

export interface Account {
  options: AuthOptions;
  user: CurrentUser;
  /** Ends the session and shows the sign-in page. */
  signOut: () => Promise<void>;
}

const AccountContext = createContext<Account | null>(null);

type State =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'signed-out'; options: AuthOptions }
  | { kind: 'signed-in'; options: AuthOptions; user: CurrentUser };

/**
 * Asks the server how it signs people in and who is signed in. With accounts and nobody signed
 * in it shows the sign-in page instead of `children`; with no accounts (one local user) the
 * children render at once, as before accounts existed.
 */
export function AccountGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([auth.getOptions(controller.signal), auth.getCurrentUser(controller.signal)])
      .then(([options, user]) =>
        setState(
          user === null ? { kind: 'signed-out', options } : { kind: 'signed-in', options, user },
        ),
      )
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'failed', message: describeError(error) });
      });
    return () => controller.abort();
  }, [attempt]);

  const signOut = useCallback(async () => {
    await auth.signOut();
    setState({ kind: 'loading' });
    setAttempt((value) => value + 1);
  }, []);

  switch (state.kind) {
    case 'loading':
      return (
        <div className="page page--narrow">
          <Spinner label="Loading" />
        </div>
      );
    case 'failed':
      return (
        <div className="page page--narrow">
          <ErrorBanner
            message={`Could not reach the server: ${state.message}`}
            onRetry={() => {
              setState({ kind: 'loading' });
              setAttempt((value) => value + 1);
            }}
          />
        </div>
      );
    case 'signed-out':
      return (
        <SignInPage
          options={state.options}
          onSignedIn={(user) => setState({ kind: 'signed-in', options: state.options, user })}
        />
      );
    case 'signed-in':
      return (
        <AccountContext value={{ options: state.options, user: state.user, signOut }}>
          {children}
        </AccountContext>
      );
  }
}

/** The signed-in account (inside `AccountGate`). */
export function useAccount(): Account {
  const account = useContext(AccountContext);
  if (account === null) throw new Error('useAccount outside AccountGate');
  return account;
}
