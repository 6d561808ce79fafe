import { useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { signInRequest } from '../../../contracts/console-api';
import { safeNextPath } from '../../lib/same-origin';
import { TextField } from '../components/fields';
import { describeWait, errorMessage, isConsoleApiError } from '../lib/console-error';
import { useSignIn } from '../features/session/api/sign-in';
import { consolePaths } from '../paths';

/** The sign-in failure in the admin's words: wrong credentials, locked out for a while, or anything else. */
function describeSignInError(error: unknown): string {
  if (isConsoleApiError(error, 'invalid_credentials')) return 'The username or password is wrong.';
  if (isConsoleApiError(error, 'too_many_requests')) return `Too many failed sign-ins: ${describeWait(error.retryAfterSeconds)}.`;
  return errorMessage(error);
}

/** `/sign-in`: the admin's username and password (the cloud seeds one; see dev-tenant.json). */
export function SignInRoute() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ username?: string | undefined; password?: string | undefined }>({});
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = signInRequest.safeParse({ username, password });
    if (!parsed.success) {
      const errors: typeof fieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === 'username' || field === 'password') errors[field] ??= issue.message;
      }
      setFieldErrors(errors);
      (errors.username ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setFieldErrors({});
    signIn.mutate(parsed.data, {
      onSuccess: () => void navigate(safeNextPath(params.get('next')) ?? consolePaths.identities.getHref(), { replace: true }),
      onError: (error) => {
        // Wrong credentials: the password is what to type again.
        if (isConsoleApiError(error, 'invalid_credentials')) {
          setPassword('');
          passwordRef.current?.focus();
        }
      },
    });
  }

  return (
    <main id="main" className="console-container site-main console-narrow">
      <title>Sign in · Bindery Console</title>
      <section className="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title" className="page-title">
          Bindery Console
        </h1>
        <p className="muted">Sign in with the console admin’s username and password.</p>
        <form className="form" onSubmit={submit} noValidate aria-busy={signIn.isPending || undefined}>
          <TextField
            ref={usernameRef}
            name="username"
            label="Username"
            value={username}
            onChange={setUsername}
            autoComplete="username"
            error={fieldErrors.username}
            required
          />
          <TextField
            ref={passwordRef}
            name="password"
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            error={fieldErrors.password}
            required
          />
          {/* Stays in the DOM, so the failure is announced as it appears. */}
          <p className="live live--error" role="alert">
            {signIn.isError ? describeSignInError(signIn.error) : ''}
          </p>
          <div>
            <button type="submit" className="button" disabled={signIn.isPending} aria-busy={signIn.isPending || undefined}>
              Sign in
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
