import { useState, type FormEvent } from 'react';
import {
  createApplicationRequest,
  updateApplicationRequest,
  updateAuthenticatorConfigRequest,
  type ApplicationResponse,
  type AuthenticatorConfigResponse,
  type ConsoleApplication,
  type CreateApplicationRequest,
  type UpdateApplicationRequest,
} from '../../../../contracts/console-api';
import { Dialog } from '../../components/dialog';
import { fieldError, lines, SelectField, TextAreaField, TextField } from '../../components/fields';
import { FormError } from '../../components/form-error';
import { useCreateApplication } from '../../features/applications/api/create-application';
import { useUpdateApplication } from '../../features/applications/api/update-application';
import { useUpdateAuthenticatorConfig } from '../../features/applications/api/update-authenticator-config';
import { isConsoleApiError } from '../../lib/console-error';
import { issuesToFields } from '../../lib/field-issues';
import { ConfigFields, configBody, configFieldPaths, configValues, type ConfigValues } from './config-fields';

const APP = 'application';

function sameConfig(a: ConfigValues, b: ConfigValues): boolean {
  return JSON.stringify(configBody(a)) === JSON.stringify(configBody(b));
}

/**
 * Create an application, or edit one (`existing`): display name, authenticator config, redirect
 * URIs (one per line) and, when it has an authenticator config, that config's Invoke URL, trusted
 * origins and authentication methods (saved to the config first, then the application).
 */
export function ApplicationDialog({
  realmId,
  existing,
  configs,
  onClose,
  onSaved,
}: {
  realmId: string;
  existing: ConsoleApplication | null;
  configs: AuthenticatorConfigResponse[];
  onClose: () => void;
  /** `issued`: the answer that carries a new `client_secret` (a create, or an update that issued one). */
  onSaved: (message: string, issued?: ApplicationResponse) => void;
}) {
  const app = existing?.application;
  const [displayName, setDisplayName] = useState(app?.display_name ?? '');
  const [configId, setConfigId] = useState(app?.authenticator_config_id ?? '');
  const [redirectUris, setRedirectUris] = useState((app?.protocol_config?.redirect_uris ?? []).join('\n'));
  const [protocol, setProtocol] = useState<'oidc' | 'oauth2'>('oidc');
  const [confidentiality, setConfidentiality] = useState<'confidential' | 'public'>('confidential');
  const currentConfig = existing?.authenticator_config ?? null;
  const editsConfig = currentConfig !== null && configId === currentConfig.id;
  const [config, setConfig] = useState<ConfigValues>(() => configValues(currentConfig?.config));
  const [localFields, setLocalFields] = useState<Record<string, string>>({});
  // Which request failed decides where its FieldViolations go.
  const [failed, setFailed] = useState<'application' | 'config' | null>(null);
  const create = useCreateApplication(realmId);
  const update = useUpdateApplication(realmId);
  const updateConfig = useUpdateAuthenticatorConfig(realmId);
  const pending = create.isPending || update.isPending || updateConfig.isPending;
  const error = failed === 'config' ? updateConfig.error : existing ? update.error : create.error;
  const fields = { ...(isConsoleApiError(error) ? error.fields : {}), ...localFields };
  const claimed = [`${APP}.display_name`, `${APP}.authenticator_config_id`, `${APP}.protocol_config.redirect_uris`, `${APP}.protocol_config.type`, `${APP}.protocol_config.confidentiality`, `${APP}.protocol_config.pkce`, ...configFieldPaths()];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailed(null);
    const redirect_uris = lines(redirectUris);
    if (!existing) {
      const body: CreateApplicationRequest = {
        application: {
          display_name: displayName.trim(),
          ...(configId ? { authenticator_config_id: configId } : {}),
          protocol_config: {
            type: protocol,
            confidentiality,
            // Beyond Identity's default is PKCE disabled, and a public client must enable it;
            // the cloud's sign-in asks every client for S256, so every one gets it.
            pkce: 's256' as const,
            redirect_uris,
          },
        },
      };
      const parsed = createApplicationRequest.safeParse(body);
      if (!parsed.success) return setLocalFields(issuesToFields(parsed.error.issues));
      setLocalFields({});
      create.mutate(body, {
        onSuccess: (created) => onSaved(`Created ${created.display_name ?? created.id}.`, created),
        onError: () => setFailed('application'),
      });
      return;
    }

    const appBody: UpdateApplicationRequest = {
      application: {
        ...(displayName.trim() !== (app?.display_name ?? '') ? { display_name: displayName.trim() } : {}),
        ...(configId && configId !== app?.authenticator_config_id ? { authenticator_config_id: configId } : {}),
        protocol_config: { redirect_uris },
      },
    };
    const configRequest = editsConfig && !sameConfig(config, configValues(currentConfig.config)) ? { authenticator_config: { config: configBody(config) } } : null;
    const issues = [
      ...(updateApplicationRequest.safeParse(appBody).error?.issues ?? []),
      ...(configRequest ? (updateAuthenticatorConfigRequest.safeParse(configRequest).error?.issues ?? []) : []),
    ];
    if (issues.length > 0) return setLocalFields(issuesToFields(issues));
    setLocalFields({});
    try {
      if (configRequest && currentConfig) {
        setFailed('config');
        await updateConfig.mutateAsync({ configId: currentConfig.id, body: configRequest });
      }
      setFailed('application');
      const saved = await update.mutateAsync({ applicationId: existing.application.id, body: appBody });
      setFailed(null);
      // An update can issue a secret too: a confidential client that had none (as older
      // versions of the cloud left some) gets one, in this answer only. Dropped here, it was
      // lost for good; the page shows it as it shows a new client's.
      const issued = Boolean(saved.protocol_config?.client_secret);
      onSaved(`Saved ${saved.display_name ?? saved.id}.${issued ? ' A new client secret was issued.' : ''}`, issued ? saved : undefined);
    } catch {
      // Shown by FormError and next to the fields (`failed` says which request).
    }
  }

  return (
    <Dialog title={existing ? `Edit ${app?.display_name ?? 'application'}` : 'Create application'} onClose={onClose} busy={pending} size="wide">
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <TextField name="display_name" label="Display name" value={displayName} onChange={setDisplayName} error={fieldError(fields, `${APP}.display_name`)} autoFocus />
        {!existing && (
          <div className="field-row">
            <SelectField
              name="protocol"
              label="Protocol"
              value={protocol}
              onChange={(value) => setProtocol(value as 'oidc' | 'oauth2')}
              error={fieldError(fields, `${APP}.protocol_config.type`)}
              options={[
                { value: 'oidc', label: 'OpenID Connect' },
                { value: 'oauth2', label: 'OAuth 2.0' },
              ]}
            />
            <SelectField
              name="confidentiality"
              label="Client type"
              value={confidentiality}
              onChange={(value) => setConfidentiality(value as 'confidential' | 'public')}
              error={fieldError(fields, `${APP}.protocol_config.confidentiality`)}
              options={[
                { value: 'confidential', label: 'Confidential (has a client secret)' },
                { value: 'public', label: 'Public (no secret; PKCE)' },
              ]}
            />
          </div>
        )}
        <SelectField
          name="authenticator_config_id"
          label="Authenticator config"
          value={configId}
          onChange={setConfigId}
          error={fieldError(fields, `${APP}.authenticator_config_id`)}
          hint="An embedded config lets the console bind passkeys for this application."
          options={[
            // The API cannot take a config away from an application (PATCH ignores an empty id).
            ...(app?.authenticator_config_id ? [] : [{ value: '', label: 'None' }]),
            ...configs.map((candidate) => ({
              value: candidate.id,
              label: `${candidate.display_name ?? candidate.id} · ${candidate.config.type}`,
            })),
          ]}
        />
        <TextAreaField
          name="redirect_uris"
          label="Redirect URIs"
          value={redirectUris}
          onChange={setRedirectUris}
          error={fieldError(fields, `${APP}.protocol_config.redirect_uris`)}
          hint="One per line: where sign-in may return (OIDC), e.g. http://localhost:3000/auth/callback."
        />
        {editsConfig && (
          <fieldset className="subform">
            <legend>Authenticator config: {currentConfig.display_name ?? currentConfig.id}</legend>
            <ConfigFields values={config} onChange={setConfig} fields={fields} typeEditable={false} />
          </fieldset>
        )}
        <FormError error={error} claimed={claimed} />
        <div className="actions">
          <button type="submit" className="button" disabled={pending} aria-busy={pending || undefined}>
            {existing ? 'Save' : 'Create application'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={pending}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
