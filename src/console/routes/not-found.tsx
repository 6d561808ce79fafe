import { Link } from 'react-router';
import { PageTitle } from '../components/page-title';
import { consolePaths } from '../paths';

/** Any console path without a page. */
export function NotFoundRoute() {
  return (
    <>
      <PageTitle title="Page not found" />
      <p>
        There is no console page here. <Link to={consolePaths.identities.getHref()}>Go to the identities</Link>
      </p>
    </>
  );
}
