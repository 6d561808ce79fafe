import type { Ref } from 'react';

export interface TextFieldProps {
  /** Also the input's `name`. */
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown under the field and announced with it; marks the field invalid. */
  error?: string | undefined;
  hint?: string;
  type?: 'text' | 'email';
  autoComplete?: string;
  /** `none` by default: usernames and addresses are not sentences. */
  autoCapitalize?: 'none' | 'words' | 'sentences';
  ref?: Ref<HTMLInputElement>;
}

/**
 * A labelled text input with its hint and error tied to it (`aria-describedby`), so a screen
 * reader reads "Username, invalid entry, That username is taken." on focus.
 */
export function TextField({ name, label, value, onChange, error, hint, type = 'text', autoComplete, autoCapitalize = 'none', ref }: TextFieldProps) {
  const id = `field-${name}`;
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
      <input
        ref={ref}
        id={id}
        name={name}
        type={type}
        className="field__input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        spellCheck={false}
        autoCapitalize={autoCapitalize}
      />
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
