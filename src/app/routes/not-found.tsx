import { Link, useLocation } from 'react-router';
import { paths } from '../../lib/paths';

/** Shown for any URL the app has no route for. */
export function NotFoundRoute() {
  const { pathname } = useLocation();
  return (
    <section className="card" aria-labelledby="not-found-title">
      <title>Page not found · Bindery</title>
      <h1 id="not-found-title">Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>.
      </p>
      <p>
        <Link to={paths.app.home.getHref()}>Go to the home page</Link>
      </p>
    </section>
  );
}
