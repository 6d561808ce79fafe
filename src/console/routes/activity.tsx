import { Link, useSearchParams } from 'react-router';
import type { AuditEventRow } from '../../../contracts/console-api';
import { formatDateTime } from '../../lib/format';
import { ErrorText } from '../components/error-text';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { useActivity } from '../features/activity/api/list-activity';
import { useRealmId } from '../lib/realm';
import { consolePaths } from '../paths';
import { DataTable } from '../components/data-table';

/** The resource of an event, linked to its console page when it has one. */
function Resource({ event }: { event: AuditEventRow }) {
  const id = <code>{event.resource_id}</code>;
  let target: string | null = null;
  if (event.resource_type === 'Identity') target = consolePaths.identity.getHref(event.resource_id);
  else if (event.resource_type === 'BatchCredentialBindingJob') target = consolePaths.batch.getHref(event.resource_id);
  else if (event.identity_id && (event.resource_type === 'Credential' || event.resource_type === 'CredentialBindingJob'))
    target = consolePaths.identity.getHref(event.identity_id);
  return (
    <>
      {event.resource_type} {target && event.action !== 'identity.delete' ? <Link to={target}>{id}</Link> : id}
    </>
  );
}

/** `/activity` (`?identity=` for one identity): the audit log, newest first, a page at a time. */
export function ActivityRoute() {
  const realmId = useRealmId();
  const [params] = useSearchParams();
  const identityId = params.get('identity') ?? undefined;
  const activity = useActivity(realmId, identityId);
  const events = activity.data?.pages.flatMap((page) => page.events) ?? [];

  let body;
  if (activity.isPending) body = <Loading what="activity" />;
  else if (activity.isError && !activity.data)
    body = <LoadError what="the activity" error={activity.error} onRetry={() => void activity.refetch()} retrying={activity.isFetching} />;
  else if (events.length === 0) body = <p className="empty">{identityId ? 'Nothing has happened to this identity yet.' : 'No activity yet.'}</p>;
  else
    body = (
      <DataTable caption="Audit log, newest first" columns={['Time', 'Actor', 'Action', 'Resource']}>
        {events.map((event) => (
          <tr key={event.seq}>
            <td>
              <time dateTime={event.create_time}>{formatDateTime(event.create_time)}</time>
            </td>
            <td>
              <code>{event.actor}</code>
            </td>
            <td>
              <code>{event.action}</code>
              {event.detail && Object.keys(event.detail).length > 0 && (
                <details className="details">
                  <summary>Details</summary>
                  <pre>{JSON.stringify(event.detail, null, 2)}</pre>
                </details>
              )}
            </td>
            <td>
              <Resource event={event} />
            </td>
          </tr>
        ))}
      </DataTable>
    );

  return (
    <>
      <PageTitle title={identityId ? 'Activity for an identity' : 'Activity'} />
      {identityId && (
        <p>
          Showing the events of identity <Link to={consolePaths.identity.getHref(identityId)}>{identityId}</Link>.{' '}
          <Link to={consolePaths.activity.getHref()}>Show all activity</Link>
        </p>
      )}
      <section className="card" aria-labelledby="activity-title" aria-busy={activity.isFetching || undefined}>
        <h2 id="activity-title" className="visually-hidden">
          Events
        </h2>
        {body}
        <p className="live" role="status">
          {activity.data ? `${events.length} ${events.length === 1 ? 'event' : 'events'} shown${activity.hasNextPage ? '; older ones can be loaded' : ''}.` : ''}
        </p>
        {activity.isFetchNextPageError && <ErrorText error={activity.error} prefix="Could not load older events." />}
        {activity.hasNextPage && (
          <div className="actions">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => void activity.fetchNextPage()}
              disabled={activity.isFetchingNextPage}
              aria-busy={activity.isFetchingNextPage || undefined}
            >
              Load more
            </button>
          </div>
        )}
      </section>
    </>
  );
}
