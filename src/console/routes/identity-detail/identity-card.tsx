import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { updateIdentityRequest, type IdentityDetail } from '../../../../contracts/console-api';
import { formatDateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorText } from '../../components/error-text';
import { fieldError, TextField } from '../../components/fields';
import { FormError } from '../../components/form-error';
import { forgetIdentity, useDeleteIdentity } from '../../features/identities/api/delete-identity';
import { useUpdateIdentity } from '../../features/identities/api/update-identity';
import { isConsoleApiError } from '../../lib/console-error';
import { consolePaths } from '../../paths';
import type { IdentitiesLocationState } from '../identities';

/** Display name and email address, edited in place; an empty address removes it. */
function EditForm({ realmId, identity, onDone }: { realmId: string; identity: IdentityDetail; onDone: (message?: string) => void }) {
  const [displayName, setDisplayName] = useState(identity.display_name);
  const [email, setEmail] = useState(identity.email ?? '');
  const [localErrors, setLocalErrors] = useState<{ display_name?: string; email?: string }>({});
  const update = useUpdateIdentity(realmId, identity.id);
  const serverFields = isConsoleApiError(update.error) ? update.error.fields : {};

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      ...(displayName.trim() !== identity.display_name ? { display_name: displayName.trim() } : {}),
      ...(email.trim() !== (identity.email ?? '') ? { email: email.trim() === '' ? null : email.trim() } : {}),
    };
    const parsed = updateIdentityRequest.safeParse(body);
    if (!parsed.success) {
      const errors: typeof localErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as 'display_name' | 'email';
        errors[field] ??= issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
      }
      setLocalErrors(errors);
      return;
    }
    setLocalErrors({});
    if (Object.keys(parsed.data).length === 0) return onDone();
    update.mutate(parsed.data, { onSuccess: () => onDone('Changes saved.') });
  }

  // The Edit button that opened this form is gone: focus goes to the form's first field.
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus(), []);

  return (
    <form ref={form} className="form" onSubmit={submit} noValidate aria-label="Edit identity">
      <TextField
        name="display_name"
        label="Display name"
        value={displayName}
        onChange={setDisplayName}
        error={localErrors.display_name ?? fieldError(serverFields, 'display_name')}
        autoFocus
      />
      <TextField
        name="email"
        label="Email address"
        type="email"
        value={email}
        onChange={setEmail}
        hint="Leave empty to remove the address (passkey emails then cannot be sent)."
        error={localErrors.email ?? fieldError(serverFields, 'email')}
      />
      <FormError error={update.error} claimed={['display_name', 'email']} />
      <div className="actions">
        <button type="submit" className="button" disabled={update.isPending} aria-busy={update.isPending || undefined}>
          Save
        </button>
        <button type="button" className="button button--secondary" onClick={() => onDone()} disabled={update.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The identity: its facts and traits; edit, suspend or unsuspend, delete. */
export function IdentityCard({ realmId, identity }: { realmId: string; identity: IdentityDetail }) {
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [done, setDone] = useState('');
  const editButton = useRef<HTMLButtonElement>(null);
  const status = useUpdateIdentity(realmId, identity.id);
  const remove = useDeleteIdentity(realmId, identity.id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const suspended = identity.status === 'suspended';

  function finishEditing(message?: string) {
    setEditing(false);
    if (message) setDone(message);
    // The form is gone: focus goes back to the button that opened it.
    requestAnimationFrame(() => editButton.current?.focus());
  }

  return (
    <section className="card" aria-labelledby="identity-facts">
      <h2 id="identity-facts">Identity</h2>
      <p className="live" role="status">
        {done}
      </p>
      {editing ? (
        <EditForm realmId={realmId} identity={identity} onDone={finishEditing} />
      ) : (
        <>
          <dl className="facts">
            <div>
              <dt>Username</dt>
              <dd>{identity.username}</dd>
            </div>
            <div>
              <dt>Display name</dt>
              <dd>{identity.display_name}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{identity.email ?? <span className="muted">none</span>}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <span className={suspended ? 'badge badge--warn' : 'badge badge--ok'}>{identity.status}</span>
              </dd>
            </div>
            <div>
              <dt>Passkey bound</dt>
              <dd>{identity.passkey_bound ? 'Yes' : 'No'}</dd>
            </div>
            <div>
              <dt>Enrollment</dt>
              <dd>{identity.enrollment_status}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <time dateTime={identity.create_time}>{formatDateTime(identity.create_time)}</time>
              </dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd>
                <time dateTime={identity.update_time}>{formatDateTime(identity.update_time)}</time>
              </dd>
            </div>
            <div>
              <dt>ID</dt>
              <dd>
                <code>{identity.id}</code>
              </dd>
            </div>
          </dl>
          <h3>Traits</h3>
          <dl className="facts facts--traits">
            {Object.entries(identity.traits).map(([name, value]) => (
              <div key={name}>
                <dt>
                  <code>{name}</code>
                </dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <div className="actions">
            <button ref={editButton} type="button" className="button button--secondary" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button
              type="button"
              className="button button--secondary"
              disabled={status.isPending}
              aria-busy={status.isPending || undefined}
              onClick={() =>
                status.mutate(
                  { status: suspended ? 'active' : 'suspended' },
                  { onSuccess: (updated) => setDone(updated.status === 'suspended' ? 'Identity suspended.' : 'Identity unsuspended.') },
                )
              }
            >
              {suspended ? 'Unsuspend' : 'Suspend'}
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                remove.reset();
                setConfirmDelete(true);
              }}
            >
              Delete
            </button>
            <Link to={consolePaths.activity.getHref(identity.id)}>Activity for this identity</Link>
          </div>
          <ErrorText error={status.error} prefix={suspended ? 'The identity was not unsuspended.' : 'The identity was not suspended.'} />
        </>
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${identity.username}?`}
          confirmLabel="Delete"
          pending={remove.isPending}
          error={remove.error}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: async () => {
                await navigate(consolePaths.identities.getHref(), {
                  state: { flash: `Deleted ${identity.username}.` } satisfies IdentitiesLocationState,
                });
                forgetIdentity(queryClient, realmId, identity.id);
              },
            })
          }
        >
          <p>
            The identity goes with its credentials (its passkeys stop working) and its binding jobs. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
