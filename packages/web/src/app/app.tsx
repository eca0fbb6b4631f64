import { AccountGate } from '../features/account/account-context';
import { UserMenu } from '../features/account/user-menu';
import { ConversationPage } from '../features/conversation/conversation-page';
import { HomePage } from '../features/conversations/home-page';
import { SettingsPage } from '../features/settings/settings-page';
import { Link, RouterProvider, useRouter } from './router';
import type { Route } from './router';

export function App() {
  return (
    <AccountGate>
      <RouterProvider>
        <Shell />
      </RouterProvider>
    </AccountGate>
  );
}

function Shell() {
  const { route } = useRouter();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand" aria-label="Parley, home">
          <span className="brand__mark" aria-hidden="true" />
          Parley
        </Link>
        <nav aria-label="Main" className="app-nav">
          <Link to="/" aria-current={route.name === 'home' ? 'page' : undefined}>
            Conversations
          </Link>
          <Link to="/settings" aria-current={route.name === 'settings' ? 'page' : undefined}>
            Settings
          </Link>
        </nav>
        <UserMenu />
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'settings':
      return <SettingsPage />;
    case 'conversation':
      return <ConversationPage key={route.conversationId} conversationId={route.conversationId} />;
    case 'not-found':
      return (
        <div className="page page--narrow">
          <h1 className="page__title">Page not found</h1>
          <p>
            Nothing lives at <code>{route.pathname}</code>.{' '}
            <Link to="/">Back to your conversations</Link>.
          </p>
        </div>
      );
  }
}
