import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageTitle } from '../components/page-title';
import { LoadError, Loading } from '../components/query-state';
import { useIdentity } from '../features/identities/api/get-identity';
import { useLiveJob } from '../features/jobs/use-live-job';
import { isConsoleApiError } from '../lib/console-error';
import { useRealmId } from '../lib/realm';
import { consolePaths } from '../paths';
import { AddPasskeyDialog } from './identity-detail/add-passkey-dialog';
import { CredentialsCard } from './identity-detail/credentials-card';
import { IdentityCard } from './identity-detail/identity-card';
import { JobsCard } from './identity-detail/jobs-card';
import { LiveJobStatus } from './identity-detail/live-job-status';

/**
 * `/identities/:identityId`: the identity, its credentials and binding jobs, and "Add a passkey".
 * The page follows the job that "Proceed & send email" created, so its state keeps updating (and
 * the lists with it) after the dialog is closed.
 */
export function IdentityDetailRoute() {
  const realmId = useRealmId();
  const identityId = useParams().identityId ?? '';
  const identity = useIdentity(realmId, identityId);
  const [adding, setAdding] = useState(false);
  const [watchedJobId, setWatchedJobId] = useState<string | null>(null);
  const live = useLiveJob(realmId, identityId, watchedJobId);

  if (identity.isPending) {
    return (
      <>
        <PageTitle title="Identity" />
        <Loading what="the identity" />
      </>
    );
  }
  if (identity.isError) {
    const missing = isConsoleApiError(identity.error, 'not_found');
    return (
      <>
        <PageTitle title={missing ? 'Identity not found' : 'Identity'} />
        {missing ? (
          <p>
            There is no identity <code>{identityId}</code> in this realm (it may have been deleted).{' '}
            <Link to={consolePaths.identities.getHref()}>Back to the identities</Link>
          </p>
        ) : (
          <LoadError what="the identity" error={identity.error} onRetry={() => void identity.refetch()} retrying={identity.isFetching} />
        )}
      </>
    );
  }

  const data = identity.data;
  return (
    <>
      <PageTitle title={data.display_name}>
        {data.display_name} <span className="muted title-id">{data.username}</span>
      </PageTitle>
      <p className="breadcrumbs">
        <Link to={consolePaths.identities.getHref()}>Identities</Link> / {data.username}
      </p>
      {watchedJobId && !adding && live.job && (
        <section className="card" aria-labelledby="latest-email-title">
          <h2 id="latest-email-title">Latest passkey email</h2>
          <LiveJobStatus job={live.job} transport={live.transport} error={live.error} />
        </section>
      )}
      <IdentityCard realmId={realmId} identity={data} />
      <CredentialsCard realmId={realmId} identityId={identityId} onAddPasskey={() => setAdding(true)} />
      <JobsCard realmId={realmId} identityId={identityId} />
      {adding && (
        <AddPasskeyDialog
          realmId={realmId}
          identity={data}
          live={live}
          onJobCreated={setWatchedJobId}
          onClose={() => setAdding(false)}
        />
      )}
    </>
  );
}
