import { useState, type FormEvent } from 'react';
import {
  createAuthenticatorConfigRequest,
  updateAuthenticatorConfigRequest,
  type AuthenticatorConfigResponse,
} from '../../../../contracts/console-api';
import { Dialog } from '../../components/dialog';
import { fieldError, TextField } from '../../components/fields';
import { FormError } from '../../components/form-error';
import { useCreateAuthenticatorConfig } from '../../features/applications/api/create-authenticator-config';
import { useUpdateAuthenticatorConfig } from '../../features/applications/api/update-authenticator-config';
import { isConsoleApiError } from '../../lib/console-error';
import { issuesToFields } from '../../lib/field-issues';
import { ConfigFields, configBody, configFieldPaths, configValues, type ConfigValues } from './config-fields';

/** Create an authenticator config, or edit one (`config`): display name and its config fields. */
export function AuthenticatorConfigDialog({
  realmId,
  config,
  onClose,
  onSaved,
}: {
  realmId: string;
  config: AuthenticatorConfigResponse | null;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const [displayName, setDisplayName] = useState(config?.display_name ?? '');
  const [values, setValues] = useState<ConfigValues>(() => configValues(config?.config));
  const [localFields, setLocalFields] = useState<Record<string, string>>({});
  const create = useCreateAuthenticatorConfig(realmId);
  const update = useUpdateAuthenticatorConfig(realmId);
  const mutation = config ? update : create;
  const fields = { ...(isConsoleApiError(mutation.error) ? mutation.error.fields : {}), ...localFields };

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = { authenticator_config: { ...(displayName.trim() ? { display_name: displayName.trim() } : {}), config: configBody(values) } };
    const parsed = (config ? updateAuthenticatorConfigRequest : createAuthenticatorConfigRequest).safeParse(body);
    if (!parsed.success) {
      setLocalFields(issuesToFields(parsed.error.issues));
      return;
    }
    setLocalFields({});
    if (config) {
      update.mutate({ configId: config.id, body }, { onSuccess: (saved) => onSaved(`Saved ${saved.display_name ?? saved.id}.`) });
    } else {
      create.mutate(body, { onSuccess: (saved) => onSaved(`Created ${saved.display_name ?? saved.id}.`) });
    }
  }

  return (
    <Dialog title={config ? `Edit ${config.display_name ?? 'authenticator config'}` : 'Create authenticator config'} onClose={onClose} busy={mutation.isPending}>
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          name="display_name"
          label="Display name"
          value={displayName}
          onChange={setDisplayName}
          error={fieldError(fields, 'authenticator_config.display_name')}
          autoFocus
        />
        <ConfigFields values={values} onChange={setValues} fields={fields} typeEditable={!config} />
        <FormError error={mutation.error} claimed={['authenticator_config.display_name', ...configFieldPaths()]} />
        <div className="actions">
          <button type="submit" className="button" disabled={mutation.isPending} aria-busy={mutation.isPending || undefined}>
            {config ? 'Save' : 'Create authenticator config'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
