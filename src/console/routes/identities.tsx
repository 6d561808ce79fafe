import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import type { IdentityRow } from '../../../contracts/console-api';
import { ErrorText } from '../components/error-text';
import { SelectField } from '../components/fields';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { useApplications } from '../features/applications/api/list-applications';
import { useCreateBatch } from '../features/batch/api/create-batch';
import { rememberBatch } from '../features/batch/recent-batches';
import { CreateIdentityDialog } from '../features/identities/components/create-identity-dialog';
import { useIdentities } from '../features/identities/api/list-identities';
import { useRealmId } from '../lib/realm';
import { useDebouncedValue } from '../lib/use-debounced-value';
import { consolePaths } from '../paths';

/** How long the search waits for typing to pause before it asks the cloud. */
export const SEARCH_DEBOUNCE_MS = 300;

/** A message carried to this page by a navigation (e.g. "Deleted ann."). */
export interface IdentitiesLocationState {
  flash?: string;
}

/** "Send passkey emails" for the selected identities: pick the application, create the batch, open its results. */
function BatchToolbar({ realmId, selected, onClear }: { realmId: string; selected: Map<string, string>; onClear: () => void }) {
  const applications = useApplications(realmId);
  const bindable = (applications.data ?? []).filter((app) => app.can_bind);
  const [chosen, setChosen] = useState('');
  const applicationId = chosen || (bindable.length === 1 ? bindable[0]!.application.id : '');
  const [problem, setProblem] = useState<string | null>(null);
  const createBatch = useCreateBatch(realmId);
  const navigate = useNavigate();

  function send() {
    if (selected.size === 0) return setProblem('Select at least one identity first.');
    if (!applicationId) return setProblem('Choose the application whose passkeys the emails bind.');
    setProblem(null);
    createBatch.mutate(
      { identity_ids: [...selected.keys()], application_id: applicationId },
      {
        onSuccess: (batch) => {
          rememberBatch(realmId, { id: batch.batch.id, create_time: batch.batch.create_time, total: batch.results.length });
          onClear();
          void navigate(consolePaths.batch.getHref(batch.batch.id));
        },
      },
    );
  }

  return (
    <section className="toolbar" aria-label="Selected identities">
      <p className="toolbar__count" aria-live="polite">
        {selected.size === 0 ? 'No identities selected.' : `${selected.size} ${selected.size === 1 ? 'identity' : 'identities'} selected.`}
        {selected.size > 0 && (
          <>
            {' '}
            <button type="button" className="button button--link" onClick={onClear}>
              Clear selection
            </button>
          </>
        )}
      </p>
      <SelectField
        name="batch_application"
        label="Application"
        value={applicationId}
        onChange={setChosen}
        hint={applications.isError ? 'Could not load the applications.' : 'Only applications with an embedded authenticator config can bind passkeys.'}
        options={[
          { value: '', label: applications.isPending ? 'Loading…' : 'Choose an application…', disabled: true },
          ...(applications.data ?? []).map((app) => ({
            value: app.application.id,
            label: app.can_bind ? (app.application.display_name ?? app.application.id) : `${app.application.display_name ?? app.application.id} (cannot bind)`,
            disabled: !app.can_bind,
          })),
        ]}
      />
      <div>
        <button type="button" className="button" onClick={send} disabled={createBatch.isPending} aria-busy={createBatch.isPending || undefined}>
          Send passkey emails
        </button>
      </div>
      <p className="live live--error" role="alert">
        {problem ?? ''}
      </p>
      <ErrorText error={createBatch.error} prefix="No emails were sent." />
    </section>
  );
}

function IdentityTable({
  rows,
  selected,
  onToggle,
  onToggleAll,
}: {
  rows: IdentityRow[];
  selected: Map<string, string>;
  onToggle: (row: IdentityRow, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
}) {
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Identities</caption>
        <thead>
          <tr>
            <th scope="col" className="table__check">
              <input
                type="checkbox"
                aria-label="Select all identities on this page"
                checked={allSelected}
                onChange={(event) => onToggleAll(event.target.checked)}
              />
            </th>
            <th scope="col">Username</th>
            <th scope="col">Display name</th>
            <th scope="col">Email</th>
            <th scope="col">Status</th>
            <th scope="col">Passkey bound</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td className="table__check">
                <input
                  type="checkbox"
                  aria-label={`Select ${row.username}`}
                  checked={selected.has(row.id)}
                  onChange={(event) => onToggle(row, event.target.checked)}
                />
              </td>
              <th scope="row">
                <Link to={consolePaths.identity.getHref(row.id)}>{row.username}</Link>
              </th>
              <td>{row.display_name}</td>
              <td>{row.email ?? <span className="muted">none</span>}</td>
              <td>
                <span className={row.status === 'active' ? 'badge badge--ok' : 'badge badge--warn'}>{row.status}</span>
              </td>
              <td>{row.passkey_bound ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `/identities`: search, page through, create identities, and send passkey emails to a selection. */
export function IdentitiesRoute() {
  const realmId = useRealmId();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);
  const debounced = useDebouncedValue(typed.trim(), SEARCH_DEBOUNCE_MS);
  // Page tokens of the pages before the current one, per search (a new search starts at page 1).
  const [pages, setPages] = useState<{ q: string; tokens: (string | undefined)[] }>({ q, tokens: [undefined] });
  const tokens = pages.q === q ? pages.tokens : [undefined];
  const pageToken = tokens.at(-1);
  const identities = useIdentities(realmId, { q, pageToken });
  const [selected, setSelected] = useState<Map<string, string>>(() => new Map());
  const [creating, setCreating] = useState(false);
  const flash = (location.state as IdentitiesLocationState | null)?.flash;
  const searchId = useId();

  // The URL follows the settled search. Only a change of the settled value writes it: when the
  // URL changes by itself (the "Identities" link clears ?q), the box follows the URL instead.
  const lastSettled = useRef(debounced);
  useEffect(() => {
    if (debounced === lastSettled.current) return;
    lastSettled.current = debounced;
    if (debounced !== q) setParams(debounced ? { q: debounced } : {}, { replace: true });
  }, [debounced, q, setParams]);
  const [urlQ, setUrlQ] = useState(q);
  if (q !== urlQ) {
    setUrlQ(q);
    if (q !== typed.trim()) setTyped(q);
    // A new search starts at page 1, also when it is an earlier one again: its old tokens are gone.
    setPages({ q, tokens: [undefined] });
  }

  const data = identities.data;
  const rows = data?.identities ?? [];
  const pageNumber = tokens.length;

  function toggle(row: IdentityRow, on: boolean) {
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(row.id, row.username);
      else next.delete(row.id);
      return next;
    });
  }

  function toggleAll(on: boolean) {
    setSelected((current) => {
      const next = new Map(current);
      for (const row of rows) {
        if (on) next.set(row.id, row.username);
        else next.delete(row.id);
      }
      return next;
    });
  }

  let body;
  if (identities.isPending) body = <Loading what="identities" />;
  else if (identities.isError && !data)
    body = <LoadError what="the identities" error={identities.error} onRetry={() => void identities.refetch()} retrying={identities.isFetching} />;
  else if (rows.length === 0)
    body = (
      <p className="empty">
        {q ? `No identities match “${q}”.` : 'No identities yet. Create the first one with “Create identity”.'}
      </p>
    );
  else body = <IdentityTable rows={rows} selected={selected} onToggle={toggle} onToggleAll={toggleAll} />;

  return (
    <>
      <PageTitle
        title="Identities"
        actions={
          <button type="button" className="button" onClick={() => setCreating(true)}>
            Create identity
          </button>
        }
      />
      {flash && (
        <p className="status status--ok" role="status">
          {flash}
        </p>
      )}
      <section className="card" aria-labelledby={`${searchId}-title`} aria-busy={identities.isFetching || undefined}>
        <h2 id={`${searchId}-title`} className="visually-hidden">
          All identities
        </h2>
        <div className="search">
          <label className="field__label" htmlFor={searchId}>
            Search identities
          </label>
          <input
            id={searchId}
            type="search"
            className="field__input"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            placeholder="Username, display name or email"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
          />
        </div>
        <p className="live muted" role="status">
          {data && !identities.isPlaceholderData
            ? `${data.total_size} ${data.total_size === 1 ? 'identity' : 'identities'}${q ? ` match “${q}”` : ''}.`
            : ''}
        </p>
        {body}
        {identities.isError && data && <ErrorText error={identities.error} prefix="Could not refresh the list." />}
        {(pageNumber > 1 || data?.next_page_token) && (
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={pageNumber === 1}
              onClick={() => setPages({ q, tokens: tokens.slice(0, -1) })}
            >
              Previous page
            </button>
            <span>Page {pageNumber}</span>
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={!data?.next_page_token || identities.isPlaceholderData}
              onClick={() => setPages({ q, tokens: [...tokens, data?.next_page_token] })}
            >
              Next page
            </button>
          </nav>
        )}
      </section>
      <BatchToolbar realmId={realmId} selected={selected} onClear={() => setSelected(new Map())} />
      {creating && (
        <CreateIdentityDialog
          realmId={realmId}
          onClose={() => setCreating(false)}
          onCreated={(identity) => void navigate(consolePaths.identity.getHref(identity.id))}
        />
      )}
    </>
  );
}
