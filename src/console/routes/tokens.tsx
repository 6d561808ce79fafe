import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CreateTokenResponse, TokenRow } from '../../../contracts/console-api';
import { formatDateTime } from '../../lib/format';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton } from '../components/copy-button';
import { fieldError, SelectField, TextField } from '../components/fields';
import { FormError } from '../components/form-error';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { TriStateCheckbox } from '../components/tri-state-checkbox';
import { useCreateToken } from '../features/tokens/api/create-token';
import { useTokens } from '../features/tokens/api/list-tokens';
import { useRevokeToken } from '../features/tokens/api/revoke-token';
import { isConsoleApiError } from '../lib/console-error';
import { useRealmId } from '../lib/realm';
import { DataTable, RowAction } from '../components/data-table';
import { focusPageHeading } from '../lib/focus';

/** `identities:read` belongs to `identities`, `scim:users:read` to `scim:users`, `openid` to itself. */
export function scopeResource(scope: string): string {
  const colon = scope.lastIndexOf(':');
  return colon > 0 ? scope.slice(0, colon) : scope;
}

/** Scopes grouped by resource, groups and scopes in alphabetical order. */
export function groupScopes(scopes: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const scope of [...scopes].sort()) {
    const resource = scopeResource(scope);
    groups.set(resource, [...(groups.get(resource) ?? []), scope]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const LIFETIMES = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
  { seconds: 90 * 86_400, label: '90 days' },
  { seconds: 365 * 86_400, label: '1 year' },
];

function describeSeconds(seconds: number): string {
  const known = LIFETIMES.find((lifetime) => lifetime.seconds === seconds);
  if (known) return known.label;
  if (seconds % 86_400 === 0) return `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}

/** The new token, shown once, with a copy button and the warning that it will not be shown again. */
function NewToken({ created, onDone }: { created: CreateTokenResponse; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card card--highlight" aria-labelledby="new-token-title">
      <h2 id="new-token-title" ref={heading} tabIndex={-1}>
        Your new API token{created.token.display_name ? `: ${created.token.display_name}` : ''}
      </h2>
      <p className="status status--warn" role="alert">
        Copy the token now. It is shown only this once: the cloud keeps only a hash of it, and nobody can show it again.
      </p>
      <div className="code-block">
        <pre aria-label="API token" className="secret">
          {created.access_token}
        </pre>
        <CopyButton text={created.access_token} label="Copy token" />
      </div>
      <p className="muted">
        {created.token.scopes.length} {created.token.scopes.length === 1 ? 'scope' : 'scopes'}; expires{' '}
        <time dateTime={created.token.expire_time}>{formatDateTime(created.token.expire_time)}</time>. Use it as{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

function CreateTokenForm({
  realmId,
  allowedScopes,
  maxLifetime,
  onCreated,
}: {
  realmId: string;
  allowedScopes: string[];
  maxLifetime: number;
  onCreated: (created: CreateTokenResponse) => void;
}) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<string>>(() => new Set());
  const lifetimes = useMemo(() => {
    const options = LIFETIMES.filter((lifetime) => lifetime.seconds < maxLifetime);
    return [...options, { seconds: maxLifetime, label: `${describeSeconds(maxLifetime)} (the longest allowed)` }];
  }, [maxLifetime]);
  const [lifetime, setLifetime] = useState(String(maxLifetime));
  const [scopeProblem, setScopeProblem] = useState<string | null>(null);
  const create = useCreateToken(realmId);
  const groups = useMemo(() => groupScopes(allowedScopes), [allowedScopes]);
  const serverFields = isConsoleApiError(create.error) ? create.error.fields : {};

  const setMany = (list: string[], on: boolean) =>
    setScopes((current) => {
      const next = new Set(current);
      for (const scope of list) {
        if (on) next.add(scope);
        else next.delete(scope);
      }
      return next;
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (scopes.size === 0) {
      setScopeProblem('Choose at least one scope.');
      return;
    }
    setScopeProblem(null);
    create.mutate(
      { scopes: [...scopes], lifetime_seconds: Number(lifetime), ...(name.trim() ? { display_name: name.trim() } : {}) },
      {
        onSuccess: (created) => {
          setName('');
          setScopes(new Set());
          onCreated(created);
          create.reset();
        },
      },
    );
  }

  const scopeError = scopeProblem ?? fieldError(serverFields, 'scopes');
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="create-token-title">
      <TextField name="display_name" label="Name" value={name} onChange={setName} hint="Optional; says what the token is for." error={fieldError(serverFields, 'display_name')} />
      <SelectField
        name="lifetime"
        label="Expires after"
        value={lifetime}
        onChange={setLifetime}
        error={fieldError(serverFields, 'lifetime_seconds')}
        options={lifetimes.map((option) => ({ value: String(option.seconds), label: option.label }))}
      />
      <fieldset className="scopes" aria-describedby={scopeError ? 'scopes-error' : undefined}>
        <legend className="field__label">Scopes</legend>
        <TriStateCheckbox
          label="Select all"
          checked={scopes.size === allowedScopes.length && allowedScopes.length > 0}
          indeterminate={scopes.size > 0 && scopes.size < allowedScopes.length}
          onChange={(on) => setMany(allowedScopes, on)}
        />
        <div className="scopes__groups">
          {groups.map(([resource, list]) => {
            const count = list.filter((scope) => scopes.has(scope)).length;
            return (
              <fieldset key={resource} className="scopes__group">
                <legend>
                  <TriStateCheckbox
                    label={resource}
                    checked={count === list.length}
                    indeterminate={count > 0 && count < list.length}
                    onChange={(on) => setMany(list, on)}
                  />
                </legend>
                {list.map((scope) => (
                  <label key={scope} className="check">
                    <input type="checkbox" checked={scopes.has(scope)} onChange={(event) => setMany([scope], event.target.checked)} />
                    <code>{scope}</code>
                  </label>
                ))}
              </fieldset>
            );
          })}
        </div>
        {scopeError && (
          <p className="field__error" id="scopes-error" role="alert">
            {scopeError}
          </p>
        )}
      </fieldset>
      <FormError error={create.error} claimed={['display_name', 'scopes', 'lifetime_seconds']} />
      <div>
        <button type="submit" className="button" disabled={create.isPending} aria-busy={create.isPending || undefined}>
          Create token
        </button>
      </div>
    </form>
  );
}

function TokenTable({ tokens, onRevoke }: { tokens: TokenRow[]; onRevoke: (token: TokenRow) => void }) {
  return (
    <DataTable caption="API tokens" columns={['Name', 'Scopes', 'Issued', 'Expires', 'Ends with']} actions>
      {tokens.map((token) => (
        <tr key={token.id}>
          <th scope="row" id={`token-${token.id}`}>
            {token.display_name ?? <span className="muted">unnamed ({token.id})</span>}
          </th>
          <td>
            <details className="details">
              <summary>
                {token.scopes.length} {token.scopes.length === 1 ? 'scope' : 'scopes'}
              </summary>
              <p className="scope-list">{token.scopes.join(' ')}</p>
            </details>
          </td>
          <td>
            <time dateTime={token.issue_time}>{formatDateTime(token.issue_time)}</time>
          </td>
          <td>
            <time dateTime={token.expire_time}>{formatDateTime(token.expire_time)}</time>
          </td>
          <td>
            <code>…{token.token_suffix}</code>
          </td>
          <td className="table__actions">
            <RowAction describedBy={`token-${token.id}`} onClick={() => onRevoke(token)}>
              Revoke
            </RowAction>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** `/tokens`: API tokens of the realm's Management API application: create (shown once), list, revoke. */
export function TokensRoute() {
  const realmId = useRealmId();
  const tokens = useTokens(realmId);
  const revoke = useRevokeToken(realmId);
  // Held here only, never in the query cache: leaving the page forgets it.
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);
  const [confirming, setConfirming] = useState<TokenRow | null>(null);
  const [done, setDone] = useState('');

  let list;
  if (tokens.isPending) list = <Loading what="API tokens" />;
  else if (tokens.isError) list = <LoadError what="the API tokens" error={tokens.error} onRetry={() => void tokens.refetch()} retrying={tokens.isFetching} />;
  else if (tokens.data.tokens.length === 0) list = <p className="empty">No live API tokens.</p>;
  else
    list = (
      <TokenTable
        tokens={tokens.data.tokens}
        onRevoke={(token) => {
          revoke.reset();
          setConfirming(token);
        }}
      />
    );

  return (
    <>
      <PageTitle title="API tokens" />
      <p className="muted">
        Bearer tokens for the Management API, issued to the realm’s Management API application
        {tokens.data ? (
          <>
            {' '}
            (<code>{tokens.data.application_id}</code>)
          </>
        ) : null}
        .
      </p>
      {created && (
        <NewToken
          created={created}
          onDone={() => {
            setCreated(null);
            focusPageHeading();
          }}
        />
      )}
      <section className="card" aria-labelledby="create-token-title">
        <h2 id="create-token-title">Create a token</h2>
        {tokens.data ? (
          <CreateTokenForm realmId={realmId} allowedScopes={tokens.data.allowed_scopes} maxLifetime={tokens.data.max_lifetime_seconds} onCreated={setCreated} />
        ) : tokens.isPending ? (
          <Loading what="the scopes" />
        ) : (
          <p className="muted">The scopes could not be loaded (see below).</p>
        )}
      </section>
      <section className="card" aria-labelledby="tokens-title" aria-busy={tokens.isFetching || undefined}>
        <h2 id="tokens-title">Live tokens</h2>
        <p className="live" role="status">
          {done}
        </p>
        {list}
      </section>
      {confirming && (
        <ConfirmDialog
          title="Revoke this API token?"
          confirmLabel="Revoke"
          pending={revoke.isPending}
          error={revoke.error}
          onCancel={() => setConfirming(null)}
          onConfirm={() =>
            revoke.mutate(confirming.id, {
              onSuccess: () => {
                setDone(`Token ${confirming.display_name ?? confirming.id} revoked.`);
                setConfirming(null);
              },
            })
          }
        >
          <p>
            Token {confirming.display_name ? <strong>{confirming.display_name}</strong> : <code>{confirming.id}</code>} (ending{' '}
            <code>{confirming.token_suffix}</code>) stops working at once. Anything that uses it will get 401.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
