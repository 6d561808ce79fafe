import { useEffect, useRef, useState } from 'react';
import type { ApplicationResponse, AuthenticatorConfigResponse, ConsoleApplication } from '../../../contracts/console-api';
import { CopyButton } from '../components/copy-button';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { useApplications } from '../features/applications/api/list-applications';
import { useAuthenticatorConfigs } from '../features/applications/api/list-authenticator-configs';
import { useRealmId } from '../lib/realm';
import { ApplicationDialog } from './applications/application-dialog';
import { AuthenticatorConfigDialog } from './applications/authenticator-config-dialog';
import { DataTable, RowAction } from '../components/data-table';
import { focusPageHeading } from '../lib/focus';

type Editing =
  | { kind: 'application'; existing: ConsoleApplication | null }
  | { kind: 'config'; existing: AuthenticatorConfigResponse | null }
  | null;

/**
 * A newly issued client secret (a new confidential client, or an update that issued one): the
 * only time the cloud shows it.
 */
function NewClientSecret({ app, onDone }: { app: ApplicationResponse; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const secret = app.protocol_config?.client_secret ?? '';
  return (
    <section className="card card--highlight" aria-labelledby="client-secret-title">
      <h2 id="client-secret-title" ref={heading} tabIndex={-1}>
        Client credentials of {app.display_name ?? app.id}
      </h2>
      <p className="status status--warn" role="alert">
        Copy the client secret now. It is shown only this once: the cloud keeps only a hash of it.
      </p>
      <dl className="facts">
        <div>
          <dt>Client ID</dt>
          <dd>
            <code>{app.protocol_config?.client_id}</code>
          </dd>
        </div>
        <div>
          <dt>Client secret</dt>
          <dd>
            <code className="secret">{secret}</code> <CopyButton text={secret} label="Copy secret" />
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

function configSummary(config: AuthenticatorConfigResponse['config']): string {
  return config.type === 'embedded' ? config.invoke_url : 'hosted web';
}

/** `/applications`: applications and authenticator configs of the realm; create and edit both. */
export function ApplicationsRoute() {
  const realmId = useRealmId();
  const applications = useApplications(realmId);
  const configs = useAuthenticatorConfigs(realmId);
  const [editing, setEditing] = useState<Editing>(null);
  const [done, setDone] = useState('');
  const [secretOf, setSecretOf] = useState<ApplicationResponse | null>(null);

  function saved(message: string, issued?: ApplicationResponse) {
    setEditing(null);
    setDone(message);
    if (issued?.protocol_config?.client_secret) setSecretOf(issued);
  }

  let appList;
  if (applications.isPending) appList = <Loading what="applications" />;
  else if (applications.isError)
    appList = <LoadError what="the applications" error={applications.error} onRetry={() => void applications.refetch()} retrying={applications.isFetching} />;
  else if (applications.data.length === 0) appList = <p className="empty">No applications yet.</p>;
  else
    appList = (
      <DataTable caption="Applications" columns={['Name', 'Protocol', 'Authenticator config', 'Can bind passkeys', 'Client ID']} actions>
        {applications.data.map((row) => (
          <tr key={row.application.id}>
            <th scope="row" id={`app-${row.application.id}`}>
              {row.application.display_name ?? row.application.id}
              {row.application.is_managed && <span className="badge">managed</span>}
            </th>
            <td>{row.application.protocol_config?.type ?? '—'}</td>
            <td>
              {row.authenticator_config ? (
                <>
                  {row.authenticator_config.display_name ?? row.authenticator_config.id}
                  <br />
                  <span className="muted">{configSummary(row.authenticator_config.config)}</span>
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </td>
            <td>{row.can_bind ? 'Yes' : 'No'}</td>
            <td>
              <code>{row.application.protocol_config?.client_id ?? '—'}</code>
            </td>
            <td className="table__actions">
              {/* Beyond Identity: "Managed applications may not be modified by the user." */}
              {row.application.is_managed ? (
                <span className="muted">Not editable</span>
              ) : (
                <RowAction describedBy={`app-${row.application.id}`} onClick={() => setEditing({ kind: 'application', existing: row })} disabled={!configs.data}>
                  Edit
                </RowAction>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    );

  let configList;
  if (configs.isPending) configList = <Loading what="authenticator configs" />;
  else if (configs.isError)
    configList = <LoadError what="the authenticator configs" error={configs.error} onRetry={() => void configs.refetch()} retrying={configs.isFetching} />;
  else if (configs.data.length === 0) configList = <p className="empty">No authenticator configs yet.</p>;
  else
    configList = (
      <DataTable caption="Authenticator configs" columns={['Name', 'Type', 'Invoke URL', 'Trusted origins', 'Authentication methods']} actions>
        {configs.data.map((config) => (
          <tr key={config.id}>
            <th scope="row" id={`config-${config.id}`}>
              {config.display_name ?? config.id}
            </th>
            <td>{config.config.type}</td>
            <td>{config.config.type === 'embedded' ? <code>{config.config.invoke_url}</code> : <span className="muted">—</span>}</td>
            <td>
              {config.config.trusted_origins.length > 0 ? (
                config.config.trusted_origins.map((origin) => (
                  <code key={origin} className="block">
                    {origin}
                  </code>
                ))
              ) : (
                <span className="muted">none</span>
              )}
            </td>
            <td>{(config.config.authentication_methods ?? []).map((method) => method.type).join(', ') || <span className="muted">none</span>}</td>
            <td className="table__actions">
              <RowAction describedBy={`config-${config.id}`} onClick={() => setEditing({ kind: 'config', existing: config })}>
                Edit
              </RowAction>
            </td>
          </tr>
        ))}
      </DataTable>
    );

  return (
    <>
      <PageTitle title="Applications" />
      <p className="live" role="status">
        {done}
      </p>
      {secretOf && (
        <NewClientSecret
          app={secretOf}
          onDone={() => {
            setSecretOf(null);
            focusPageHeading();
          }}
        />
      )}
      <section className="card" aria-labelledby="applications-title" aria-busy={applications.isFetching || undefined}>
        <div className="card__header">
          <h2 id="applications-title">Applications</h2>
          <button type="button" className="button" onClick={() => setEditing({ kind: 'application', existing: null })} disabled={!configs.data}>
            Create application
          </button>
        </div>
        {appList}
      </section>
      <section className="card" aria-labelledby="configs-title" aria-busy={configs.isFetching || undefined}>
        <div className="card__header">
          <h2 id="configs-title">Authenticator configs</h2>
          <button type="button" className="button" onClick={() => setEditing({ kind: 'config', existing: null })}>
            Create authenticator config
          </button>
        </div>
        {configList}
      </section>
      {editing?.kind === 'application' && (
        <ApplicationDialog realmId={realmId} existing={editing.existing} configs={configs.data ?? []} onClose={() => setEditing(null)} onSaved={saved} />
      )}
      {editing?.kind === 'config' && (
        <AuthenticatorConfigDialog realmId={realmId} config={editing.existing} onClose={() => setEditing(null)} onSaved={(message) => saved(message)} />
      )}
    </>
  );
}
