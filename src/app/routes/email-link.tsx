import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { emailLinkRequest } from '../../../contracts/app-api';
import { describeRateLimit, isApiError } from '../../lib/api-error';
import { paths } from '../../lib/paths';
import { TextField } from '../components/text-field';
import { useSendEmailLink } from '../features/email-link/api/send-email-link';

/**
 * Shown whatever the backend found: naming whether an account matched would let anyone probe
 * for usernames and addresses.
 */
export const NEUTRAL_CONFIRMATION =
  'If an account matches, we sent a link to its email address. Open it on the device where you want your passkey.';

/** `/email-link`: someone with an account (a passkey elsewhere) asks for a binding link by email. */
export function EmailLinkRoute() {
  const [username, setUsername] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const send = useSendEmailLink();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (send.isPending) return;
    const parsed = emailLinkRequest.safeParse({ username });
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message ?? 'Enter your username.');
      input.current?.focus();
      return;
    }
    setFieldError(undefined);
    send.mutate(parsed.data, {
      onError: (error) => {
        const message = isApiError(error, 'invalid_request') ? error.fields.username : undefined;
        if (message) {
          setFieldError(message);
          input.current?.focus();
        }
      },
    });
  };

  let formError: string | undefined;
  if (send.isError && !fieldError) {
    formError = isApiError(send.error, 'rate_limited')
      ? describeRateLimit(send.error)
      : `The link was not sent. ${send.error.message}`;
  }

  return (
    <section className="card" aria-labelledby="email-link-title">
      <title>Email me a link · Bindery</title>
      <h1 id="email-link-title">Email me a link</h1>
      {send.isSuccess ? (
        <>
          <p className="status status--ok" role="status">
            {NEUTRAL_CONFIRMATION}
          </p>
          <p className="aside">
            Nothing arrived? Check your spam folder, or{' '}
            <button
              type="button"
              className="button button--link"
              onClick={() => {
                send.reset();
                setUsername('');
              }}
            >
              try another username
            </button>
            .
          </p>
        </>
      ) : (
        <>
          <p>
            Have an account with a passkey on another device? We will email you a link that creates a passkey for it
            on the device where you open it.
          </p>
          <form className="form" noValidate onSubmit={onSubmit} aria-busy={send.isPending}>
            <TextField
              name="username"
              label="Username"
              hint="The one you chose when you created your account. The link goes to its email address."
              autoComplete="username"
              value={username}
              onChange={(value) => {
                setUsername(value);
                setFieldError(undefined);
              }}
              error={fieldError}
              ref={input}
            />
            {formError && (
              <p className="status status--error" role="alert">
                {formError}
              </p>
            )}
            <div className="actions">
              <button type="submit" className="button" disabled={send.isPending}>
                {send.isPending ? 'Sending…' : 'Email me a link'}
              </button>
            </div>
          </form>
        </>
      )}
      <p className="aside">
        New here? <Link to={paths.app.signup.getHref()}>Create an account</Link>.
      </p>
    </section>
  );
}
