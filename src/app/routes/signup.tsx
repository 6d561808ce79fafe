import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { signupRequest, type MeResponse, type SignupRequest } from '../../../contracts/app-api';
import { describeRateLimit, isApiError } from '../../lib/api-error';
import { paths } from '../../lib/paths';
import { TextField } from '../components/text-field';
import { useMe } from '../features/auth/api/get-me';
import { useSignup } from '../features/auth/api/signup';
import { storeReturnBindingLink } from '../features/binding/api/create-binding-link';
import { useSendEmailLink } from '../features/email-link/api/send-email-link';

type FieldName = keyof SignupRequest;
type FieldErrors = Partial<Record<FieldName, string>>;

/** In the form's order: the first invalid one gets focus. */
const FIELDS: readonly FieldName[] = ['username', 'email', 'display_name'];

function isFieldName(name: unknown): name is FieldName {
  return typeof name === 'string' && (FIELDS as readonly string[]).includes(name);
}

/** Per-field messages from the contract's schema (the first issue of each field). */
function validate(values: SignupRequest): { data: SignupRequest; errors?: never } | { errors: FieldErrors } {
  const parsed = signupRequest.safeParse(values);
  if (parsed.success) return { data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (isFieldName(field) && !errors[field]) errors[field] = issue.message;
  }
  return { errors };
}

/**
 * `/signup`: create an account, then go to `/bind` with the first binding link in memory. No
 * session yet: after binding, the link's redirect leads to signing in with the new passkey.
 */
export function SignupRoute() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();
  const [values, setValues] = useState<SignupRequest>({ username: '', email: '', display_name: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const inputs = useRef<Partial<Record<FieldName, HTMLInputElement | null>>>({});

  const [createdWithoutLink, setCreatedWithoutLink] = useState<MeResponse>();
  const signup = useSignup({
    onSuccess: (data) => {
      // The account exists but Beyond Identity made no link: the form must not come back
      // (a second try would answer "username taken"); the EMAIL link is the way left.
      if (!data.binding) return setCreatedWithoutLink(data.me);
      // The RETURN link goes to /bind through memory only: not the URL, history state or storage.
      // With it goes whose passkey it creates: sign-up starts no session to ask.
      storeReturnBindingLink(queryClient, data.binding, data.me);
      void navigate(paths.app.bind.getHref());
    },
  });

  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    const first = FIELDS.find((field) => next[field]);
    if (first) inputs.current[first]?.focus();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (signup.isPending) return;
    const result = validate(values);
    if (result.errors) {
      showErrors(result.errors);
      return;
    }
    setErrors({});
    signup.mutate(result.data, {
      onError: (error) => {
        if (isApiError(error, 'username_taken')) showErrors({ username: 'That username is taken.' });
        else if (isApiError(error, 'invalid_request')) {
          const fromServer: FieldErrors = {};
          for (const [field, message] of Object.entries(error.fields)) if (isFieldName(field)) fromServer[field] = message;
          if (Object.keys(fromServer).length > 0) showErrors(fromServer);
        }
      },
    });
  };

  const set = (field: FieldName) => (value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    if (errors[field]) setErrors((previous) => ({ ...previous, [field]: undefined }));
  };

  // A form-level sentence for what no single field explains.
  let formError: string | undefined;
  const error = signup.error;
  if (error && !isApiError(error, 'username_taken')) {
    if (isApiError(error, 'rate_limited')) formError = describeRateLimit(error);
    else if (!(isApiError(error, 'invalid_request') && Object.keys(error.fields).some(isFieldName))) {
      formError = `Your account was not created. ${error.message}`;
    }
  }

  if (createdWithoutLink) return <CreatedWithoutLink me={createdWithoutLink} />;

  return (
    <section className="card" aria-labelledby="signup-title">
      <title>Create an account · Bindery</title>
      <h1 id="signup-title">Create an account</h1>
      {me.data && (
        <p className="note">
          You are signed in as {me.data.username}. To add a passkey to this account instead,{' '}
          <Link to={paths.app.bind.getHref()}>add a passkey</Link>.
        </p>
      )}
      <p>Then create a passkey on this browser. You will use it instead of a password.</p>
      <form className="form" noValidate onSubmit={onSubmit} aria-busy={signup.isPending}>
        <TextField
          name="username"
          label="Username"
          hint="Letters, digits, dots, dashes or underscores."
          autoComplete="username"
          value={values.username}
          onChange={set('username')}
          error={errors.username}
          ref={(element) => {
            inputs.current.username = element;
          }}
        />
        <TextField
          name="email"
          label="Email address"
          hint="For links to add passkeys on other devices."
          type="email"
          autoComplete="email"
          value={values.email}
          onChange={set('email')}
          error={errors.email}
          ref={(element) => {
            inputs.current.email = element;
          }}
        />
        <TextField
          name="display_name"
          label="Display name"
          hint="How we greet you, e.g. Ann Lee."
          autoComplete="name"
          autoCapitalize="words"
          value={values.display_name}
          onChange={set('display_name')}
          error={errors.display_name}
          ref={(element) => {
            inputs.current.display_name = element;
          }}
        />
        {formError && (
          <p className="status status--error" role="alert">
            {formError}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button" disabled={signup.isPending}>
            {signup.isPending ? 'Creating your account…' : 'Create account'}
          </button>
        </div>
      </form>
      <p className="aside">
        Already have an account on another device? <Link to={paths.app.emailLink.getHref()}>Email me a link</Link>.
      </p>
    </section>
  );
}

/**
 * The account was created but has no passkey yet, and no binding link came with it. Without a
 * session only an EMAIL link can reach the account, so that is the one action offered.
 */
function CreatedWithoutLink({ me }: { me: MeResponse }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const send = useSendEmailLink();
  // The form this replaces held the focus: put it on the news.
  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="card" aria-labelledby="signup-title">
      <title>Account created · Bindery</title>
      <h1 id="signup-title" tabIndex={-1} ref={heading}>
        Your account was created
      </h1>
      <p className="status status--error">
        The link to add a passkey on this device could not be made just now, so {me.username} has no passkey yet.
      </p>
      {send.isSuccess ? (
        <p className="status status--ok" role="status">
          We asked for a link to {me.email ?? 'your email address'}. Open it on this device to create your passkey.
        </p>
      ) : (
        <>
          <p>We can email you a link instead. Open it on this device to create your passkey.</p>
          {send.isError && (
            <p className="status status--error" role="alert">
              {isApiError(send.error, 'rate_limited') ? describeRateLimit(send.error) : `The link was not sent. ${send.error.message}`}
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={send.isPending}
              onClick={() => send.mutate({ username: me.username })}
            >
              {send.isPending ? 'Sending…' : 'Email me a link'}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
