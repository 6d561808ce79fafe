import { useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { PageTitle } from '../components/page-title';
import { recentBatches } from '../features/batch/recent-batches';
import { useRealmId } from '../lib/realm';
import { consolePaths } from '../paths';

/** `/batch`: how to send passkey emails to many identities, and the batches started from this tab. */
export function BatchesRoute() {
  const realmId = useRealmId();
  const [batches] = useState(() => recentBatches(realmId));
  return (
    <>
      <PageTitle title="Batch passkey emails" />
      <section className="card" aria-labelledby="batch-how">
        <h2 id="batch-how">Send passkey emails to many identities</h2>
        <p>
          On <Link to={consolePaths.identities.getHref()}>Identities</Link>, tick the identities, choose the application and
          select “Send passkey emails”. Each identity with an email address gets its own binding link; the results page
          follows every email until it is bound, fails or expires.
        </p>
      </section>
      <section className="card" aria-labelledby="batch-recent">
        <h2 id="batch-recent">Started from this tab</h2>
        {batches.length === 0 ? (
          <p className="empty">No batches yet.</p>
        ) : (
          <ul className="list">
            {batches.map((batch) => (
              <li key={batch.id} className="item">
                <Link to={consolePaths.batch.getHref(batch.id)}>
                  Batch <code>{batch.id}</code>
                </Link>
                <span className="muted">
                  {batch.total} {batch.total === 1 ? 'identity' : 'identities'} · <time dateTime={batch.create_time}>{formatDateTime(batch.create_time)}</time>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
