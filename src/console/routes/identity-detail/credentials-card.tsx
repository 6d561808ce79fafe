import { useState } from 'react';
import type { CredentialRow } from '../../../../contracts/console-api';
import { formatDateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorText } from '../../components/error-text';
import { LoadError, Loading } from '../../components/query-state';
import { useCredentials } from '../../features/credentials/api/list-credentials';
import { useRevokeCredential } from '../../features/credentials/api/revoke-credential';
import { DataTable, RowAction } from '../../components/data-table';

/**
 * The identity's credentials (the cloud side of its passkeys), newest first, a page at a time:
 * state, created, key thumbprint; Revoke.
 */
export function CredentialsCard({ realmId, identityId, onAddPasskey }: { realmId: string; identityId: string; onAddPasskey: () => void }) {
  const credentials = useCredentials(realmId, identityId);
  const revoke = useRevokeCredential(realmId, identityId);
  const [confirming, setConfirming] = useState<CredentialRow | null>(null);
  const [done, setDone] = useState('');
  const rows = credentials.data?.pages.flatMap((page) => page.credentials) ?? [];
  const total = credentials.data?.pages.at(-1)?.total_size ?? rows.length;

  let body;
  if (credentials.isPending) body = <Loading what="credentials" />;
  else if (credentials.isError && !credentials.data)
    body = <LoadError what="the credentials" error={credentials.error} onRetry={() => void credentials.refetch()} retrying={credentials.isFetching} />;
  else if (rows.length === 0) body = <p className="empty">No credentials yet. “Add a passkey” sends a binding link.</p>;
  else
    body = (
      <DataTable caption="Credentials" columns={['Credential', 'State', 'Created', 'Key thumbprint']} actions>
        {rows.map((credential) => (
          <tr key={credential.id}>
            <th scope="row" id={`credential-${credential.id}`}>
              <code>{credential.id}</code>
            </th>
            <td>
              <span className={credential.state === 'ACTIVE' ? 'badge badge--ok' : 'badge badge--warn'}>{credential.state}</span>
            </td>
            <td>
              <time dateTime={credential.create_time}>{formatDateTime(credential.create_time)}</time>
            </td>
            <td>
              <code className="thumbprint">{credential.jwk_thumbprint}</code>
            </td>
            <td className="table__actions">
              {credential.state === 'ACTIVE' && (
                <RowAction
                  describedBy={`credential-${credential.id}`}
                  onClick={() => {
                    revoke.reset();
                    setConfirming(credential);
                  }}
                >
                  Revoke
                </RowAction>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    );

  return (
    <section className="card" aria-labelledby="credentials-title" aria-busy={credentials.isFetching || undefined}>
      <div className="card__header">
        <h2 id="credentials-title">Passkeys (credentials)</h2>
        <button type="button" className="button" onClick={onAddPasskey}>
          Add a passkey
        </button>
      </div>
      <p className="live" role="status">
        {done}
      </p>
      {body}
      {/* The rows stay; say that they may be stale (a background refetch failed, e.g. after a revoke). */}
      {credentials.isRefetchError && <ErrorText error={credentials.error} prefix="Could not refresh the credentials." />}
      {credentials.hasNextPage && (
        <>
          <p className="muted">
            Showing the newest {rows.length} of {total} credentials.
          </p>
          {credentials.isFetchNextPageError && <ErrorText error={credentials.error} prefix="Could not load older credentials." />}
          <div className="actions">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => void credentials.fetchNextPage()}
              disabled={credentials.isFetchingNextPage}
              aria-busy={credentials.isFetchingNextPage || undefined}
            >
              Show more
            </button>
          </div>
        </>
      )}
      {confirming && (
        <ConfirmDialog
          title="Revoke this credential?"
          confirmLabel="Revoke"
          pending={revoke.isPending}
          error={revoke.error}
          onCancel={() => setConfirming(null)}
          onConfirm={() =>
            revoke.mutate(confirming.id, {
              onSuccess: () => {
                setDone(`Credential ${confirming.id} revoked.`);
                setConfirming(null);
              },
            })
          }
        >
          <p>
            The passkey holding credential <code>{confirming.id}</code> stops working on every device at once. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
