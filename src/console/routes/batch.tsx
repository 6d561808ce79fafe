import { Link, useParams } from 'react-router';
import type { BatchResponse } from '../../../contracts/console-api';
import { formatDateTime } from '../../lib/format';
import { failureReason, JobStateBadge } from '../components/job-state';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { useBatch } from '../features/batch/api/get-batch';
import { useRealmId } from '../lib/realm';
import { consolePaths } from '../paths';
import { DataTable } from '../components/data-table';

function summary({ counts, results }: BatchResponse): string {
  const skipped = results.filter((result) => result.job === null).length;
  const parts = [`${counts.success} of ${counts.total} bound`, `${counts.failure} failed`, `${counts.pending} pending`];
  if (skipped > 0) parts.push(`${skipped} not sent`);
  return `${parts.join(', ')}.`;
}

/** `/batch/:batchId`: one result per identity (its job's state, or why it got none), refreshed until nothing is pending. */
export function BatchRoute() {
  const realmId = useRealmId();
  const batchId = useParams().batchId ?? '';
  const batch = useBatch(realmId, batchId);
  const data = batch.data;

  return (
    <>
      <PageTitle title="Passkey emails">
        Passkey emails <span className="muted title-id">batch {batchId}</span>
      </PageTitle>
      {batch.isPending ? (
        <Loading what="the batch" />
      ) : batch.isError && !data ? (
        <LoadError what="the batch" error={batch.error} onRetry={() => void batch.refetch()} retrying={batch.isFetching} />
      ) : (
        data && (
          <section className="card" aria-labelledby="batch-results" aria-busy={batch.isFetching || undefined}>
            <h2 id="batch-results">Results</h2>
            <p className="muted">
              Started <time dateTime={data.batch.create_time}>{formatDateTime(data.batch.create_time)}</time> · state{' '}
              <span className="badge">{data.batch.state}</span>
            </p>
            <p role="status" className="batch-summary">
              {summary(data)} {data.counts.pending > 0 ? 'Refreshing until no job is pending…' : 'No job is pending.'}
            </p>
            {data.results.length === 0 ? (
              <p className="empty">This batch names no identities.</p>
            ) : (
              <DataTable caption="Per-identity results" columns={['Identity', 'State', 'Error']}>
                {data.results.map((result) => (
                  <tr key={result.identity_id}>
                    <th scope="row">
                      {result.username ? (
                        <Link to={consolePaths.identity.getHref(result.identity_id)}>{result.username}</Link>
                      ) : (
                        <span className="muted">
                          deleted identity <code>{result.identity_id}</code>
                        </span>
                      )}
                    </th>
                    <td>{result.job ? <JobStateBadge state={result.job.state} /> : <span className="badge badge--warn">NOT_SENT</span>}</td>
                    <td>{result.error ?? (result.job && ['FAILED_TO_SEND', 'REVOKED', 'EXPIRED'].includes(result.job.state) ? failureReason(result.job) : null) ?? <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>
        )
      )}
    </>
  );
}
