import { useId, type ReactNode, type Ref } from 'react';

interface FieldShellProps {
  label: string;
  hint?: ReactNode;
  /** Shown under the field and tied to it (`aria-describedby`); marks the field invalid. */
  error?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: true | undefined }) => ReactNode;
}

/** Label, hint, control and error, wired together so a screen reader reads all of them on focus. */
function FieldShell({ label, hint, error, children }: FieldShellProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, describedBy, invalid: error ? true : undefined })}
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

export interface TextFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  type?: 'text' | 'email' | 'password' | 'url' | 'search' | 'color';
  autoComplete?: string;
  required?: boolean;
  placeholder?: string;
  ref?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
}

/** A labelled input. `autoFocus` marks it for the dialog's initial focus (not the HTML attribute). */
export function TextField({ name, label, value, onChange, error, hint, type = 'text', autoComplete, required, placeholder, ref, autoFocus }: TextFieldProps) {
  return (
    <FieldShell label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <input
          ref={ref}
          id={id}
          name={name}
          type={type}
          className={type === 'color' ? 'field__color' : 'field__input'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          autoComplete={autoComplete ?? 'off'}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          aria-required={required || undefined}
          spellCheck={false}
          autoCapitalize="none"
          placeholder={placeholder}
          data-autofocus={autoFocus || undefined}
        />
      )}
    </FieldShell>
  );
}

export interface TextAreaFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  rows?: number;
}

/** A labelled multi-line input (one URL or origin per line). */
export function TextAreaField({ name, label, value, onChange, error, hint, rows = 3 }: TextAreaFieldProps) {
  return (
    <FieldShell label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          name={name}
          className="field__input field__textarea"
          value={value}
          rows={rows}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          spellCheck={false}
          autoCapitalize="none"
        />
      )}
    </FieldShell>
  );
}

export interface SelectFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string; disabled?: boolean }[];
  error?: string | undefined;
  hint?: ReactNode;
  autoFocus?: boolean;
}

/** A labelled `<select>`; disabled options stay visible (e.g. applications that cannot bind, with why). */
export function SelectField({ name, label, value, onChange, options, error, hint, autoFocus }: SelectFieldProps) {
  return (
    <FieldShell label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          name={name}
          className="field__input"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          data-autofocus={autoFocus || undefined}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** Splits a textarea's value into its non-empty lines (one URL or origin per line). */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The first server FieldViolation for a form field: `fields` are the cloud's paths
 * (`authenticator_config.config.trusted_origins.1`); a form field claims a path and everything
 * under it.
 */
export function fieldError(fields: Readonly<Record<string, string>>, ...paths: string[]): string | undefined {
  for (const [field, description] of Object.entries(fields)) {
    const hit = paths.find((path) => field === path || field.startsWith(`${path}.`));
    if (!hit) continue;
    const rest = field.slice(hit.length + 1);
    // `trusted_origins.1`: say which line.
    return /^\d+$/.test(rest) ? `Line ${Number(rest) + 1}: ${description}` : description;
  }
  return undefined;
}

/** The FieldViolations no form field claims (shown with the form's general error). */
export function unclaimedFieldErrors(fields: Readonly<Record<string, string>>, claimed: string[]): string[] {
  return Object.entries(fields)
    .filter(([field]) => !claimed.some((path) => field === path || field.startsWith(`${path}.`)))
    .map(([field, description]) => `${field}: ${description}`);
}
