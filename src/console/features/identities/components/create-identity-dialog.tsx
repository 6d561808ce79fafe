import { useState, type FormEvent } from 'react';
import { createIdentityRequest, type IdentityDetail } from '../../../../../contracts/console-api';
import { Dialog } from '../../../components/dialog';
import { fieldError, TextField } from '../../../components/fields';
import { FormError } from '../../../components/form-error';
import { isConsoleApiError } from '../../../lib/console-error';
import { useCreateIdentity } from '../api/create-identity';

const FIELDS = ['username', 'display_name', 'email'] as const;
type Field = (typeof FIELDS)[number];

/** "Create identity": username, display name and (for passkey emails) an email address. */
export function CreateIdentityDialog({ realmId, onClose, onCreated }: { realmId: string; onClose: () => void; onCreated: (identity: IdentityDetail) => void }) {
  const [values, setValues] = useState<Record<Field, string>>({ username: '', display_name: '', email: '' });
  const [suspended, setSuspended] = useState(false);
  const [localErrors, setLocalErrors] = useState<Partial<Record<Field, string>>>({});
  const create = useCreateIdentity(realmId);
  const serverFields = isConsoleApiError(create.error) ? create.error.fields : {};
  const conflict = isConsoleApiError(create.error, 'conflict') ? 'That username is taken (usernames are unique regardless of case).' : undefined;
  const errorOf = (field: Field) => localErrors[field] ?? fieldError(serverFields, field) ?? (field === 'username' ? conflict : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = createIdentityRequest.safeParse({
      username: values.username.trim(),
      display_name: values.display_name.trim(),
      ...(values.email.trim() ? { email: values.email.trim() } : {}),
      ...(suspended ? { status: 'suspended' } : {}),
    });
    if (!parsed.success) {
      const errors: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field;
        errors[field] ??= issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
      }
      setLocalErrors(errors);
      return;
    }
    setLocalErrors({});
    create.mutate(parsed.data, { onSuccess: onCreated });
  }

  const set = (field: Field) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  return (
    <Dialog title="Create identity" onClose={onClose} busy={create.isPending}>
      <form className="form" onSubmit={submit} noValidate>
        <TextField name="username" label="Username" value={values.username} onChange={set('username')} error={errorOf('username')} required autoFocus />
        <TextField name="display_name" label="Display name" value={values.display_name} onChange={set('display_name')} error={errorOf('display_name')} required />
        <TextField
          name="email"
          label="Email address"
          type="email"
          value={values.email}
          onChange={set('email')}
          error={errorOf('email')}
          hint="Optional; passkey emails go here."
        />
        <label className="check">
          <input type="checkbox" checked={suspended} onChange={(event) => setSuspended(event.target.checked)} />
          Create it suspended
        </label>
        <FormError error={conflict ? null : create.error} claimed={[...FIELDS, 'status']} />
        <div className="actions">
          <button type="submit" className="button" disabled={create.isPending} aria-busy={create.isPending || undefined}>
            Create identity
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={create.isPending}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
