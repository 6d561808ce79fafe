export interface RetryButtonProps {
  onRetry?: (() => void) | undefined;
  retrying?: boolean | undefined;
  /** Reload the page instead (the SDK's core starts once per page; see PasskeyError.needsReload). */
  reload?: boolean | undefined;
}

/** "Retry", for failures where trying again may help; nothing when there is nothing to retry. */
export function RetryButton({ onRetry, retrying, reload }: RetryButtonProps) {
  if (!onRetry && !reload) return null;
  return (
    <button
      type="button"
      className="button"
      onClick={() => (reload ? window.location.reload() : onRetry?.())}
      disabled={retrying}
      aria-busy={retrying}
    >
      Retry
    </button>
  );
}
