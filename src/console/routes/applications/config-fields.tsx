import type { AuthenticatorConfigResponse, CreateAuthenticatorConfigRequest } from '../../../../contracts/console-api';
import { fieldError, lines, SelectField, TextAreaField, TextField } from '../../components/fields';

export const AUTHENTICATION_METHODS = [
  { type: 'software_passkey', label: 'Software passkey (in the browser, the Embedded SDK)' },
  { type: 'webauthn_passkey', label: 'WebAuthn passkey (platform or security key)' },
  { type: 'email_one_time_password', label: 'Email one-time password' },
] as const;

type MethodType = (typeof AUTHENTICATION_METHODS)[number]['type'];

export interface ConfigValues {
  type: 'embedded' | 'hosted_web';
  invoke_url: string;
  invocation_type: 'automatic' | 'manual';
  /** One origin per line. */
  trusted_origins: string;
  methods: MethodType[];
}

export function configValues(config: AuthenticatorConfigResponse['config'] | undefined): ConfigValues {
  if (!config) return { type: 'embedded', invoke_url: '', invocation_type: 'automatic', trusted_origins: '', methods: ['software_passkey'] };
  const methods = (config.authentication_methods ?? [])
    .map((method) => method.type)
    .filter((type): type is MethodType => AUTHENTICATION_METHODS.some((known) => known.type === type));
  return config.type === 'embedded'
    ? { type: 'embedded', invoke_url: config.invoke_url, invocation_type: config.invocation_type, trusted_origins: config.trusted_origins.join('\n'), methods }
    : { type: 'hosted_web', invoke_url: '', invocation_type: 'automatic', trusted_origins: config.trusted_origins.join('\n'), methods };
}

/** The `config` of a CreateAuthenticatorConfig or UpdateAuthenticatorConfig body (it replaces the old one whole). */
export function configBody(values: ConfigValues): CreateAuthenticatorConfigRequest['authenticator_config']['config'] {
  const authentication_methods = values.methods.map((type) => ({ type }));
  return values.type === 'embedded'
    ? {
        type: 'embedded',
        invoke_url: values.invoke_url.trim(),
        trusted_origins: lines(values.trusted_origins),
        invocation_type: values.invocation_type,
        authentication_methods,
      }
    : { type: 'hosted_web', trusted_origins: lines(values.trusted_origins), authentication_methods };
}

/**
 * The fields of an authenticator config: Invoke URL, invocation type, trusted origins (one per
 * line), authentication methods (checkboxes). `prefix` is where the cloud's FieldViolations put
 * them (`authenticator_config.config`).
 */
export function ConfigFields({
  values,
  onChange,
  fields,
  prefix = 'authenticator_config.config',
  typeEditable,
}: {
  values: ConfigValues;
  onChange: (values: ConfigValues) => void;
  fields: Readonly<Record<string, string>>;
  prefix?: string;
  typeEditable: boolean;
}) {
  const set = <K extends keyof ConfigValues>(key: K) => (value: ConfigValues[K]) => onChange({ ...values, [key]: value });
  const methodsError = fieldError(fields, `${prefix}.authentication_methods`);
  return (
    <>
      {typeEditable && (
        <SelectField
          name="config_type"
          label="Type"
          value={values.type}
          onChange={(value) => set('type')(value as ConfigValues['type'])}
          error={fieldError(fields, `${prefix}.type`)}
          hint="Embedded: your app hosts the SDK at its Invoke URL (needed to bind passkeys from the console)."
          options={[
            { value: 'embedded', label: 'Embedded (your app, Invoke URL)' },
            { value: 'hosted_web', label: 'Hosted web' },
          ]}
        />
      )}
      {values.type === 'embedded' && (
        <>
          <TextField
            name="invoke_url"
            label="Invoke URL"
            type="url"
            value={values.invoke_url}
            onChange={set('invoke_url')}
            error={fieldError(fields, `${prefix}.invoke_url`)}
            hint="Where binding links lead: the app’s origin, e.g. http://localhost:3000 (links go to …/bind)."
          />
          <SelectField
            name="invocation_type"
            label="Invocation type"
            value={values.invocation_type}
            onChange={(value) => set('invocation_type')(value as ConfigValues['invocation_type'])}
            error={fieldError(fields, `${prefix}.invocation_type`)}
            options={[
              { value: 'automatic', label: 'Automatic (redirect to the Invoke URL)' },
              { value: 'manual', label: 'Manual (the app receives the URL)' },
            ]}
          />
        </>
      )}
      <TextAreaField
        name="trusted_origins"
        label="Trusted origins"
        value={values.trusted_origins}
        onChange={set('trusted_origins')}
        error={fieldError(fields, `${prefix}.trusted_origins`)}
        hint="One origin per line, e.g. https://app.example.com: the pages allowed to call the cloud for this config."
      />
      <fieldset className="checks" aria-describedby={methodsError ? 'methods-error' : undefined}>
        <legend className="field__label">Authentication methods</legend>
        {AUTHENTICATION_METHODS.map((method) => (
          <label key={method.type} className="check">
            <input
              type="checkbox"
              checked={values.methods.includes(method.type)}
              onChange={(event) =>
                set('methods')(event.target.checked ? [...values.methods, method.type] : values.methods.filter((type) => type !== method.type))
              }
            />
            {method.label}
          </label>
        ))}
        {methodsError && (
          <p className="field__error" id="methods-error">
            {methodsError}
          </p>
        )}
      </fieldset>
    </>
  );
}

/** The paths `ConfigFields` shows errors for (the rest go to the form's general error). */
export function configFieldPaths(prefix = 'authenticator_config.config'): string[] {
  return ['type', 'invoke_url', 'invocation_type', 'trusted_origins', 'authentication_methods'].map((name) => `${prefix}.${name}`);
}
