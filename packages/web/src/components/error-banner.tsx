interface ErrorBannerProps {
  message: string;
  onDismiss?: () => void;
  onRetry?: () => void;
}

/** A visible, announced error with optional retry and dismiss buttons. */
export function ErrorBanner({ message, onDismiss, onRetry }: ErrorBannerProps) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-banner__icon" aria-hidden="true">
        !
      </span>
      <p className="error-banner__text">{message}</p>
      {onRetry !== undefined && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Retry
        </button>
      )}
      {onDismiss !== undefined && (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={onDismiss}
          aria-label="Dismiss error"
        >
          ✕
        </button>
      )}
    </div>
  );
}
