import { useHealthStatus } from '../../lib/health';

/** One line about whether the backend is up and which Beyond Identity API it uses. */
function HealthStatus() {
  const { data, error, isPending, isFetching, refetch } = useHealthStatus();

  if (isPending) {
    return (
      <p className="status status--pending" role="status">
        Checking…
      </p>
    );
  }

  if (error) {
    return (
      <div className="status status--error" role="alert">
        <p>Could not check the server status. {error.message}</p>
        <button type="button" className="button" onClick={() => void refetch()} disabled={isFetching}>
          {isFetching ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    );
  }

  return (
    <p className="status status--ok" role="status">
      Connected. Beyond Identity API: <code>{data.cloud.api_base_url}</code>
    </p>
  );
}

/** The landing page. */
export function HomeRoute() {
  return (
    <>
      <title>Bindery</title>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">Bindery</h1>
        <p className="hero__lede">Bind passkeys to your account with Beyond Identity.</p>
      </section>
      <section className="card" aria-labelledby="status-title">
        <h2 id="status-title">Status</h2>
        <HealthStatus />
      </section>
    </>
  );
}
