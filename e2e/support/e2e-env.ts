/** What global-setup.ts exported about the running system. */
export interface E2eEnv {
  /** The app, e.g. http://localhost:41234 (also Playwright's baseURL). */
  appUrl: string;
  /** The local cloud, e.g. http://localhost:41235. */
  cloudUrl: string;
  /** The system's DATA_DIR (database, dev-tenant.json, system.log). */
  dataDir: string;
  /** The cloud's https listener (signing keys), under this run's local CA. */
  cloudTlsUrl: string;
}

/** Reads the system's URLs and data dir; throws if the tests run without global-setup.ts. */
export function e2eEnv(): E2eEnv {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set; run the tests through playwright.config.ts (global setup).`);
    return value;
  };
  return { appUrl: read('E2E_APP_URL'), cloudUrl: read('E2E_CLOUD_URL'), dataDir: read('E2E_DATA_DIR'), cloudTlsUrl: read('E2E_CLOUD_TLS_URL') };
}
