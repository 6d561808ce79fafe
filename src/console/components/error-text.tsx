import { errorMessage } from '../lib/console-error';

/**
 * The failure of an action, where the action was taken: announced at once (role="alert"), and
 * nothing at all when there is no error.
 */
export function ErrorText({ error, prefix }: { error: unknown; prefix?: string }) {
  if (!error) return null;
  return (
    <p className="status status--error console-error" role="alert">
      {prefix ? `${prefix} ` : ''}
      {errorMessage(error)}
    </p>
  );
}
