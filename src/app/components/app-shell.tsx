import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { paths } from '../../lib/paths';

/** Page chrome shared by every screen: skip link, header, main landmark and footer. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container site-header__inner">
          <Link className="brand" to={paths.app.home.getHref()}>
            <img className="brand__mark" src="/favicon.svg" alt="" width={28} height={28} />
            <span>Bindery</span>
          </Link>
          <nav className="site-nav" aria-label="Main">
            <Link to={paths.app.passkeys.getHref()}>Passkeys</Link>
          </nav>
        </div>
      </header>
      {/* tabIndex lets the skip link move keyboard focus into the content. */}
      <main id="main" className="container site-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>Bindery binds passkeys with the Beyond Identity Embedded SDK.</p>
        </div>
      </footer>
    </div>
  );
}
