import { useState } from 'react';
import type { JobRow } from '../../../../contracts/console-api';
import { formatDateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { describeEmail, failureReason, JobStateBadge } from '../../components/job-state';
import { LoadError, Loading } from '../../components/query-state';
import { useJobs } from '../../features/jobs/api/list-jobs';
import { useRevokeJob } from '../../features/jobs/api/revoke-job';
import { DataTable, RowAction } from '../../components/data-table';

/** The identity's binding jobs: delivery method, state, created, expires; Revoke while the link still works. */
export function JobsCard({ realmId, identityId }: { realmId: string; identityId: string }) {
  const jobs = useJobs(realmId, identityId);
  const revoke = useRevokeJob(realmId, identityId);
  const [confirming, setConfirming] = useState<JobRow | null>(null);
  const [done, setDone] = useState('');

  let body;
  if (jobs.isPending) body = <Loading what="binding jobs" />;
  else if (jobs.isError) body = <LoadError what="the binding jobs" error={jobs.error} onRetry={() => void jobs.refetch()} retrying={jobs.isFetching} />;
  else if (jobs.data.length === 0) body = <p className="empty">No binding jobs yet.</p>;
  else
    body = (
      <DataTable caption="Binding jobs" columns={['Job', 'Delivery method', 'State', 'Created', 'Expires', 'Details']} actions>
        {jobs.data.map((job) => {
          const reason = failureReason(job);
          return (
            <tr key={job.id}>
              <th scope="row" id={`job-${job.id}`}>
                <code>{job.id}</code>
              </th>
              <td>{job.delivery_method}</td>
              <td>
                <JobStateBadge state={job.state} />
              </td>
              <td>
                <time dateTime={job.create_time}>{formatDateTime(job.create_time)}</time>
              </td>
              <td>
                <time dateTime={job.expire_time}>{formatDateTime(job.expire_time)}</time>
              </td>
              <td className="table__details">
                {job.email && <span>{describeEmail(job.email)} </span>}
                {job.terminal && reason && job.state !== 'COMPLETE' && <span>{reason}</span>}
              </td>
              <td className="table__actions">
                {!job.terminal && (
                  <RowAction
                    describedBy={`job-${job.id}`}
                    onClick={() => {
                      revoke.reset();
                      setConfirming(job);
                    }}
                  >
                    Revoke
                  </RowAction>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
    );

  return (
    <section className="card" aria-labelledby="jobs-title" aria-busy={jobs.isFetching || undefined}>
      <h2 id="jobs-title">Binding jobs</h2>
      <p className="live" role="status">
        {done}
      </p>
      {body}
      {confirming && (
        <ConfirmDialog
          title="Revoke this binding job?"
          confirmLabel="Revoke"
          pending={revoke.isPending}
          error={revoke.error}
          onCancel={() => setConfirming(null)}
          onConfirm={() =>
            revoke.mutate(confirming.id, {
              onSuccess: () => {
                setDone(`Binding job ${confirming.id} revoked.`);
                setConfirming(null);
              },
            })
          }
        >
          <p>
            The binding link of job <code>{confirming.id}</code> stops working: opening it will say it was revoked.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
