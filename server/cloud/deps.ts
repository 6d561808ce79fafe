import type { Logger } from '../lib/logger';
import type { Db } from './db/open';
import type { SigningKeys } from './oidc/signing-keys';
import type { Repos } from './repos';
import type { BindingRequest } from './binding/binding-token';
import type { GroupCommit } from './db/group-commit';

/** The caller of a management operation, from its bearer token. */
export interface Principal {
  tokenId: string;
  tenantId: string;
  realmId: string;
  applicationId: string;
  scopes: ReadonlySet<string>;
  /** Who the audit log names: `token:{id}`. */
  actor: string;
}

export interface CloudConfig {
  /** Public base of the management API and the binding links (`api_base_url`). */
  apiBaseUrl: string;
  /** Public base of the token endpoint (`auth_base_url`). */
  authBaseUrl: string;
  /** How long a binding link lives (Beyond Identity's default is 7 days). */
  bindingTokenTtlSeconds: number;
  /** Largest request body accepted. */
  maxBodyBytes: number;
  /** The https base that serves the signing keys (`jku`); the SDK fetches them only over https. */
  jwksBaseUrl: string;
  /** How many batch jobs' emails a realm may have waiting at once (Beyond Identity: 1000). */
  batchQueueLimit?: number;
}

export interface CloudDeps {
  db: Db;
  repos: Repos;
  config: CloudConfig;
  log: Logger;
  clock: () => Date;
  /** Resolves an `Authorization` header to a principal, or throws 401. */
  authenticate(header: string | undefined): Principal;
  /** Keys that never live in the database (see DATA_DIR/secrets). */
  secrets: { sealKey: Buffer };
  /** Called after an email is queued, to wake the mail worker; a no-op until one runs. */
  onMailQueued: () => void;
  signingKeys: SigningKeys;
  /**
   * Runs a write in the next group commit (see `createGroupCommit`). The
   * writes of requests go here (management API, binding protocol, sign-in,
   * the console's session and tokens): besides batching the hot paths, a
   * group commit that finds another HTTP worker holding the write lock
   * retries on a timer, where a plain transaction would sleep in SQLite's busy
   * handler and stall every request of its process. Resolves once committed.
   */
  write: GroupCommit;
}

export interface CloudEnv {
  Variables: {
    requestId: string;
    /** Set on the binding protocol's routes: the request's token and the link it opens. */
    binding?: BindingRequest;
  };
}
