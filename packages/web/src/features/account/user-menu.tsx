import { useState } from 'react';
import { describeError } from '../../app/backend';
import { useAccount } from './account-context';

/** The signed-in user's name and a sign-out button, in the header (accounts mode only). */
export function UserMenu() {
  const { options, user, signOut } = useAccount();
  const [failure, setFailure] = useState<string | null>(null);
  if (options.mode === 'none') return null;
  const label = user.name ?? user.username ?? user.email ?? 'Signed in';
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-menu__name" title={user.email ?? undefined}>
        {label}
      </span>
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={() => signOut().catch((error: unknown) => setFailure(describeError(error)))}
        title={failure ?? undefined}
      >
        Sign out
      </button>
    </div>
  );
}
