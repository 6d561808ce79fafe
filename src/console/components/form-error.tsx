import { isConsoleApiError } from '../lib/console-error';
import { ErrorText } from './error-text';
import { unclaimedFieldErrors } from './fields';

/**
 * A form's general error, under the form: the error itself, and the server's field messages that
 * no field of the form shows (so none is lost).
 */
export function FormError({ error, claimed }: { error: unknown; claimed: string[] }) {
  if (!error) return null;
  const rest = isConsoleApiError(error) ? unclaimedFieldErrors(error.fields, claimed) : [];
  return (
    <div className="form-error">
      <ErrorText error={error} />
      {rest.length > 0 && (
        <ul className="field__error">
          {rest.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
