import { useState, type FormEvent } from 'react';
import { emailPreviewQuery, updateThemeRequest, type EmailPreviewQuery, type ThemeResponse } from '../../../contracts/console-api';
import { formatDateTime } from '../../lib/format';
import { fieldError, TextField } from '../components/fields';
import { FormError } from '../components/form-error';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { useEmailPreview } from '../features/theme/api/get-email-preview';
import { emailPreviewHtmlUrl, useTheme } from '../features/theme/api/get-theme';
import { useUpdateTheme } from '../features/theme/api/update-theme';
import { isConsoleApiError } from '../lib/console-error';
import { useRealmId } from '../lib/realm';

const FIELDS = ['email_realm_name', 'logo_url_light', 'logo_url_dark', 'support_url', 'email_subject', 'button_color', 'button_text_color'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

function valuesOf(theme: ThemeResponse): Values {
  return {
    email_realm_name: theme.email_realm_name,
    logo_url_light: theme.logo_url_light,
    logo_url_dark: theme.logo_url_dark,
    support_url: theme.support_url,
    email_subject: theme.email_subject ?? '',
    button_color: theme.button_color,
    button_text_color: theme.button_text_color,
  };
}

/** The fields that differ from the saved theme (an empty subject means "keep the default", so it is left out). */
function changes(values: Values, theme: ThemeResponse): Partial<Values> {
  const saved = valuesOf(theme);
  const out: Partial<Values> = {};
  for (const field of FIELDS) {
    const value = values[field].trim();
    if (value !== saved[field] && value !== '') out[field] = value;
  }
  return out;
}

function firstErrors(issues: { path: PropertyKey[]; message: string }[]): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const issue of issues) {
    const field = issue.path.at(-1) as Field;
    errors[field] ??= issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  }
  return errors;
}

function ThemeForm({ realmId, theme }: { realmId: string; theme: ThemeResponse }) {
  const [values, setValues] = useState<Values>(() => valuesOf(theme));
  const [localErrors, setLocalErrors] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState('');
  // What the preview shows: the saved theme (refreshed after each save) or unsaved edits.
  const [preview, setPreview] = useState<{ overrides: EmailPreviewQuery; version: string }>({ overrides: {}, version: theme.update_time ?? 'default' });
  const update = useUpdateTheme(realmId);
  const serverFields = isConsoleApiError(update.error) ? update.error.fields : {};
  const errorOf = (field: Field) => localErrors[field] ?? fieldError(serverFields, `theme.${field}`, field);
  const set = (field: Field) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved('');
    const body = { theme: changes(values, theme) };
    const parsed = updateThemeRequest.safeParse(body);
    if (!parsed.success) {
      setLocalErrors(firstErrors(parsed.error.issues));
      return;
    }
    setLocalErrors({});
    if (Object.keys(parsed.data.theme).length === 0) {
      setSaved('Nothing to save: the theme is unchanged.');
      return;
    }
    update.mutate(parsed.data, {
      onSuccess: (next) => {
        setValues(valuesOf(next));
        setSaved(`Theme saved. The preview shows the saved theme.`);
        setPreview({ overrides: {}, version: next.update_time ?? String(Date.now()) });
      },
    });
  }

  function previewEdits() {
    setSaved('');
    const parsed = emailPreviewQuery.safeParse(changes(values, theme));
    if (!parsed.success) {
      setLocalErrors(firstErrors(parsed.error.issues));
      return;
    }
    setLocalErrors({});
    setPreview({ overrides: parsed.data, version: String(Date.now()) });
  }

  const src = emailPreviewHtmlUrl(realmId, preview.overrides, preview.version);
  const previewText = useEmailPreview(realmId, preview.overrides, preview.version);
  const showingEdits = Object.keys(preview.overrides).length > 0;

  return (
    <div className="theme-layout">
      <section className="card" aria-labelledby="theme-form-title">
        <h2 id="theme-form-title">Branding</h2>
        <p className="muted">
          {theme.id ? (
            <>
              Last saved <time dateTime={theme.update_time}>{formatDateTime(theme.update_time)}</time>.
            </>
          ) : (
            'The realm uses the default theme; the first save creates its own.'
          )}
        </p>
        <form className="form" onSubmit={submit} noValidate>
          <TextField name="email_realm_name" label="Realm name in emails" value={values.email_realm_name} onChange={set('email_realm_name')} error={errorOf('email_realm_name')} />
          <TextField
            name="email_subject"
            label="Email subject"
            value={values.email_subject}
            onChange={set('email_subject')}
            error={errorOf('email_subject')}
            placeholder="Bindery’s default subject"
            hint={
              <>
                <code>{'{realm}'}</code> becomes the realm name above, e.g. “Add a passkey to {'{realm}'}”. Empty keeps the current subject.
              </>
            }
          />
          <TextField name="logo_url_light" label="Logo URL (light backgrounds)" type="url" value={values.logo_url_light} onChange={set('logo_url_light')} error={errorOf('logo_url_light')} />
          <TextField name="logo_url_dark" label="Logo URL (dark backgrounds)" type="url" value={values.logo_url_dark} onChange={set('logo_url_dark')} error={errorOf('logo_url_dark')} />
          <TextField name="support_url" label="Support URL" type="url" value={values.support_url} onChange={set('support_url')} error={errorOf('support_url')} />
          <div className="field-row">
            <TextField name="button_color" label="Button colour" type="color" value={values.button_color.toLowerCase()} onChange={set('button_color')} error={errorOf('button_color')} />
            <TextField
              name="button_text_color"
              label="Button text colour"
              type="color"
              value={values.button_text_color.toLowerCase()}
              onChange={set('button_text_color')}
              error={errorOf('button_text_color')}
            />
          </div>
          <FormError error={update.error} claimed={[...FIELDS, ...FIELDS.map((field) => `theme.${field}`)]} />
          <p className="live" role="status">
            {saved}
          </p>
          <div className="actions">
            <button type="submit" className="button" disabled={update.isPending} aria-busy={update.isPending || undefined}>
              Save theme
            </button>
            <button type="button" className="button button--secondary" onClick={previewEdits}>
              Preview changes
            </button>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="preview-title">
        <h2 id="preview-title">Email preview</h2>
        <p className="muted">{showingEdits ? 'Unsaved changes.' : 'The saved theme.'} The link in it is a placeholder that binds nothing.</p>
        <p className="preview-subject" aria-live="polite">
          <span className="muted">Subject: </span>
          {previewText.data ? <strong>{previewText.data.subject}</strong> : previewText.isError ? <span className="muted">could not be loaded</span> : '…'}
        </p>
        {/* sandbox with no permissions: no scripts, no forms, no navigation of the console. */}
        <iframe key={src} className="email-preview" title="Binding email preview" src={src} sandbox="" />
      </section>
    </div>
  );
}

/** `/theme`: logos, support URL, email subject and button colours of the realm, with an email preview. */
export function ThemeRoute() {
  const realmId = useRealmId();
  const theme = useTheme(realmId);
  return (
    <>
      <PageTitle title="Theme" />
      {theme.isPending ? (
        <Loading what="the theme" />
      ) : theme.isError ? (
        <LoadError what="the theme" error={theme.error} onRetry={() => void theme.refetch()} retrying={theme.isFetching} />
      ) : (
        <ThemeForm key={realmId} realmId={realmId} theme={theme.data} />
      )}
    </>
  );
}
