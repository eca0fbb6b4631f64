import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';

/** The pages of the client, parsed from `location.pathname`. */
export type Route =
  | { name: 'home' }
  | { name: 'conversation'; conversationId: string }
  | { name: 'settings' }
  | { name: 'not-found'; pathname: string };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/settings') return { name: 'settings' };
  const match = /^\/conversations\/([^/]+)$/.exec(path);
  if (match?.[1] !== undefined) {
    try {
      return { name: 'conversation', conversationId: decodeURIComponent(match[1]) };
    } catch {
      return { name: 'not-found', pathname };
    }
  }
  return { name: 'not-found', pathname };
}

export function conversationPath(conversationId: string): string {
  return `/conversations/${encodeURIComponent(conversationId)}`;
}

interface RouterValue {
  route: Route;
  navigate: (path: string, options?: { replace?: boolean }) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

/** A small router over `history.pushState`: the server answers every client path with index.html. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [pathname, setPathname] = useState(() => window.location.pathname);

  useEffect(() => {
    const onPopState = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const navigate = useCallback((path: string, options?: { replace?: boolean }) => {
    if (options?.replace === true) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    setPathname(window.location.pathname);
    window.scrollTo({ top: 0 });
  }, []);

  const value = useMemo(() => ({ route: parseRoute(pathname), navigate }), [pathname, navigate]);
  return <RouterContext value={value}>{children}</RouterContext>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (value === null) throw new Error('useRouter outside RouterProvider');
  return value;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link that navigates in place; modified clicks (new tab, …) keep the browser's behaviour. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const { navigate } = useRouter();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
