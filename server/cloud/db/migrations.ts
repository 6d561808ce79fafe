/**
 * Versioned schema migrations, applied in order inside one transaction each;
 * `PRAGMA user_version` records the last one applied.
 *
 * Times are RFC 3339 strings in UTC with milliseconds (`toISOString()`), which
 * sort and compare correctly as text. Secrets (binding tokens, API tokens,
 * client secrets) exist here only as SHA-256 hashes.
 */
export const migrations: readonly string[] = [
  /* 1: the management API's resources */ `
  CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );

  CREATE TABLE realms (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    display_name TEXT NOT NULL,
    classification TEXT,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  CREATE INDEX realms_by_tenant ON realms(tenant_id);

  CREATE TABLE identities (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    display_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    traits_json TEXT NOT NULL,
    username TEXT NOT NULL,
    -- usernames are unique per realm regardless of case
    username_key TEXT NOT NULL,
    email TEXT,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  CREATE UNIQUE INDEX identities_by_username ON identities(realm_id, username_key);
  CREATE INDEX identities_by_email ON identities(realm_id, email COLLATE NOCASE);

  CREATE TABLE authenticator_configs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    display_name TEXT,
    config_json TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  CREATE INDEX authenticator_configs_by_realm ON authenticator_configs(realm_id);

  CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    display_name TEXT,
    resource_server_id TEXT,
    authenticator_config_id TEXT REFERENCES authenticator_configs(id),
    is_managed INTEGER NOT NULL DEFAULT 0,
    protocol_config_json TEXT,
    client_id TEXT UNIQUE,
    client_secret_hash TEXT,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  CREATE INDEX applications_by_realm ON applications(realm_id);
  CREATE INDEX applications_by_authenticator_config ON applications(authenticator_config_id);

  CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE', 'REVOKED')),
    csr_type TEXT NOT NULL CHECK (csr_type IN ('JWT', 'WEBAUTHN', 'FIDO2')),
    jwk_json TEXT NOT NULL,
    jwk_thumbprint TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  CREATE INDEX credentials_by_identity ON credentials(realm_id, identity_id);
  CREATE INDEX credentials_by_thumbprint ON credentials(jwk_thumbprint);

  CREATE TABLE batch_jobs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    identity_ids_json TEXT NOT NULL,
    job_template_json TEXT NOT NULL,
    state TEXT NOT NULL,
    errors_json TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );

  CREATE TABLE binding_jobs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    batch_id TEXT REFERENCES batch_jobs(id),
    delivery_method TEXT NOT NULL CHECK (delivery_method IN ('RETURN', 'EMAIL')),
    state TEXT NOT NULL CHECK (state IN ('LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED', 'COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED')),
    state_reason TEXT,
    credential_id TEXT REFERENCES credentials(id),
    post_binding_redirect_uri TEXT,
    authenticator_config_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_used_time TEXT,
    expire_time TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  CREATE INDEX binding_jobs_by_identity ON binding_jobs(realm_id, identity_id);
  CREATE INDEX binding_jobs_by_state ON binding_jobs(realm_id, state, delivery_method);
  CREATE INDEX binding_jobs_by_batch ON binding_jobs(batch_id) WHERE batch_id IS NOT NULL;

  CREATE TABLE themes (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL UNIQUE REFERENCES realms(id),
    email_realm_name TEXT,
    logo_url_light TEXT,
    logo_url_dark TEXT,
    support_url TEXT,
    button_color TEXT,
    button_text_color TEXT,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    display_name TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    token_suffix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    principal_type TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    revoke_time TEXT
  );
  CREATE INDEX api_tokens_by_application ON api_tokens(application_id);

  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    realm_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    identity_id TEXT,
    detail_json TEXT,
    create_time TEXT NOT NULL
  );
  CREATE INDEX audit_events_by_identity ON audit_events(tenant_id, identity_id);
  `,
  /* 2: email delivery of binding links */ `
  -- One row per binding-link email. The link carries the raw binding token,
  -- so it is kept sealed (AES-256-GCM, key in DATA_DIR, not in the database)
  -- and wiped once the message is sent or given up on.
  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES binding_jobs(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    sealed_link TEXT,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_time TEXT NOT NULL,
    lease_until TEXT,
    last_error TEXT,
    create_time TEXT NOT NULL,
    sent_time TEXT
  );
  CREATE INDEX outbox_due ON outbox(state, next_attempt_time);
  CREATE INDEX outbox_by_job ON outbox(job_id);

  -- Bindery's extension of Beyond Identity's Theme: the binding email's subject.
  ALTER TABLE themes ADD COLUMN email_subject TEXT;
  `,
  /* 3: OpenID Connect sign-in with the bound passkey */ `
  -- The cloud's token-signing keys. A retired key stays in the JWKS until
  -- remove_time, when every token it signed has expired.
  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    sealed_private_jwk TEXT NOT NULL,
    create_time TEXT NOT NULL,
    retire_time TEXT,
    remove_time TEXT
  );

  -- One authorize request, from /authorize until the passkey proof (single use).
  CREATE TABLE oidc_transactions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    client_state TEXT,
    client_nonce TEXT,
    code_challenge TEXT NOT NULL,
    scope TEXT NOT NULL,
    bi_nonce TEXT NOT NULL,
    expire_time TEXT NOT NULL,
    used_time TEXT,
    create_time TEXT NOT NULL
  );

  -- Authorization codes (hashed), single use and short-lived.
  CREATE TABLE oidc_codes (
    code_hash TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL REFERENCES oidc_transactions(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    expire_time TEXT NOT NULL,
    used_time TEXT,
    create_time TEXT NOT NULL
  );

  -- Access tokens from the authorization code grant (hashed), for userinfo.
  CREATE TABLE oidc_access_tokens (
    token_hash TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    application_id TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    expire_time TEXT NOT NULL,
    revoke_time TEXT,
    create_time TEXT NOT NULL
  );
  CREATE INDEX oidc_access_tokens_by_code ON oidc_access_tokens(code_hash);
  `,
  /* 4: the Admin Console */ `
  -- Console admins. password_hash is a PHC string: $scrypt$ln=…,r=…,p=…$salt$hash,
  -- so each hash carries its own salt and cost parameters.
  CREATE TABLE admins (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    create_time TEXT NOT NULL,
    last_sign_in_time TEXT
  );

  -- Console sessions, by the SHA-256 of the session id in the cookie: a copy
  -- of the database holds no usable session. Signing out deletes the row.
  CREATE TABLE console_sessions (
    id_hash TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    create_time TEXT NOT NULL,
    last_seen_time TEXT NOT NULL,
    expire_time TEXT NOT NULL
  );
  CREATE INDEX console_sessions_by_admin ON console_sessions(admin_id);
  CREATE INDEX console_sessions_by_expiry ON console_sessions(expire_time);

  -- The console's identity search: a trigram index answers substring queries
  -- (3+ characters) on username, display name and email without a scan. It
  -- indexes the identities table in place (external content), kept in step by
  -- triggers, so every writer (API, console, seed) updates it.
  CREATE VIRTUAL TABLE identities_search USING fts5(
    username, display_name, email, content='identities', content_rowid='rowid', tokenize='trigram'
  );
  CREATE TRIGGER identities_search_insert AFTER INSERT ON identities BEGIN
    INSERT INTO identities_search(rowid, username, display_name, email) VALUES (new.rowid, new.username, new.display_name, new.email);
  END;
  CREATE TRIGGER identities_search_delete AFTER DELETE ON identities BEGIN
    INSERT INTO identities_search(identities_search, rowid, username, display_name, email)
      VALUES ('delete', old.rowid, old.username, old.display_name, old.email);
  END;
  CREATE TRIGGER identities_search_update AFTER UPDATE OF username, display_name, email ON identities BEGIN
    INSERT INTO identities_search(identities_search, rowid, username, display_name, email)
      VALUES ('delete', old.rowid, old.username, old.display_name, old.email);
    INSERT INTO identities_search(rowid, username, display_name, email) VALUES (new.rowid, new.username, new.display_name, new.email);
  END;
  INSERT INTO identities_search(identities_search) VALUES ('rebuild');

  -- The console's Activity page: a tenant's events, newest first.
  CREATE INDEX audit_events_by_tenant ON audit_events(tenant_id, seq);
  `,
  /* 5: keyset paging in rowid order per realm (bench/scaling.ts) */ `
  -- Lists page by realm in rowid order. An index on realm_id alone keeps its
  -- entries for one realm in rowid order, so a page is a range read; without
  -- it SQLite sorted the whole realm for every page (3 s at 100k identities).
  CREATE INDEX identities_by_realm ON identities(realm_id);
  CREATE INDEX binding_jobs_by_realm ON binding_jobs(realm_id);
  CREATE INDEX binding_jobs_by_realm_state ON binding_jobs(realm_id, state);
  CREATE INDEX credentials_by_realm ON credentials(realm_id);
  `,
  /* 6: console sign-in attempts, shared by every HTTP worker */ `
  -- Counted in the database, not in memory: with CLOUD_WORKERS > 1 each
  -- process would otherwise allow its own 5 guesses per username.
  CREATE TABLE console_sign_in_attempts (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('username', 'ip')),
    key TEXT NOT NULL,
    time INTEGER NOT NULL
  );
  CREATE INDEX console_sign_in_attempts_by_key ON console_sign_in_attempts(scope, key, time);
  CREATE INDEX console_sign_in_attempts_by_time ON console_sign_in_attempts(time);
  `,
  /* 7: the realm whose tokens manage the tenant itself */ `
  -- Beyond Identity manages a tenant (its settings, its realms) from its
  -- admin realm; a token minted in any other realm reaches only that realm.
  -- For existing tenants that is the realm created with them, the first.
  ALTER TABLE tenants ADD COLUMN admin_realm_id TEXT;
  UPDATE tenants SET admin_realm_id = (SELECT r.id FROM realms r WHERE r.tenant_id = tenants.id ORDER BY r.rowid LIMIT 1);
  `,
  /* 8: one index fewer to write per job */ `
  -- (realm_id, state) (migration 5) serves every state filter in rowid order;
  -- (realm_id, state, delivery_method) was no longer chosen by any query, yet
  -- every job creation and state change still had to update it.
  DROP INDEX binding_jobs_by_state;
  `,
  /* 9: binding jobs without an index on the token hash (a table rebuild: see tableRebuilds) */ `
  -- Every binding-protocol URL names its job, so a link is found by the job's
  -- id and its token hash compared after (binding-jobs/repository.ts). The
  -- UNIQUE index on token_hash was one more B-tree page written per job, at a
  -- random place: with the id's, most of what a job creation wrote (bench/).
  -- SQLite cannot drop a column constraint; the table is rebuilt, rowids kept
  -- (lists page by rowid).
  CREATE TABLE binding_jobs_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    batch_id TEXT REFERENCES batch_jobs(id),
    delivery_method TEXT NOT NULL CHECK (delivery_method IN ('RETURN', 'EMAIL')),
    state TEXT NOT NULL CHECK (state IN ('LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED', 'COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED')),
    state_reason TEXT,
    credential_id TEXT REFERENCES credentials(id),
    post_binding_redirect_uri TEXT,
    authenticator_config_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    token_used_time TEXT,
    expire_time TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  INSERT INTO binding_jobs_new (rowid, id, tenant_id, realm_id, identity_id, batch_id, delivery_method, state, state_reason,
      credential_id, post_binding_redirect_uri, authenticator_config_id, token_hash, token_used_time, expire_time, create_time, update_time)
    SELECT rowid, id, tenant_id, realm_id, identity_id, batch_id, delivery_method, state, state_reason,
      credential_id, post_binding_redirect_uri, authenticator_config_id, token_hash, token_used_time, expire_time, create_time, update_time
    FROM binding_jobs;
  DROP TABLE binding_jobs;
  ALTER TABLE binding_jobs_new RENAME TO binding_jobs;
  CREATE INDEX binding_jobs_by_identity ON binding_jobs(realm_id, identity_id);
  CREATE INDEX binding_jobs_by_batch ON binding_jobs(batch_id) WHERE batch_id IS NOT NULL;
  CREATE INDEX binding_jobs_by_realm ON binding_jobs(realm_id);
  CREATE INDEX binding_jobs_by_realm_state ON binding_jobs(realm_id, state);
  `,
  /* 10: DeleteRealm asks whether any batch job is in the realm */ `
  CREATE INDEX batch_jobs_by_realm ON batch_jobs(realm_id);
  `,
  /* 11: PKCE as the application's pkce setting asks (a table rebuild: see tableRebuilds) */ `
  -- An application with pkce 'disabled' takes authorize requests without a
  -- code_challenge, and one with 'plain' takes plain challenges (spec,
  -- PkceConfig), so the challenge may be absent and its method is kept. SQLite
  -- cannot drop NOT NULL; the table is rebuilt, rowids kept. Every transaction
  -- before this one had an S256 challenge: authorize required it.
  CREATE TABLE oidc_transactions_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    client_state TEXT,
    client_nonce TEXT,
    code_challenge TEXT,
    code_challenge_method TEXT CHECK (code_challenge_method IN ('S256', 'plain')),
    scope TEXT NOT NULL,
    bi_nonce TEXT NOT NULL,
    expire_time TEXT NOT NULL,
    used_time TEXT,
    create_time TEXT NOT NULL,
    -- A challenge without its method could not be checked, a method alone means nothing.
    CHECK ((code_challenge IS NULL) = (code_challenge_method IS NULL))
  );
  INSERT INTO oidc_transactions_new (rowid, id, tenant_id, realm_id, application_id, redirect_uri, client_state, client_nonce,
      code_challenge, code_challenge_method, scope, bi_nonce, expire_time, used_time, create_time)
    SELECT rowid, id, tenant_id, realm_id, application_id, redirect_uri, client_state, client_nonce,
      code_challenge, 'S256', scope, bi_nonce, expire_time, used_time, create_time
    FROM oidc_transactions;
  DROP TABLE oidc_transactions;
  ALTER TABLE oidc_transactions_new RENAME TO oidc_transactions;
  `,
  /* 12: purging expired sign-in rows (oidc/housekeeping.ts) on indexes */ `
  -- Anyone may create authorize transactions, so expired sign-in rows are
  -- deleted in bounded batches, oldest first (ORDER BY expire_time LIMIT n).
  -- Without an index on expire_time every batch would scan its whole table,
  -- and the larger the backlog the longer the write lock is held. Each index
  -- is one more entry per row written, at its right-hand end (expire_time
  -- grows with time), so it costs sign-in little.
  CREATE INDEX oidc_transactions_by_expire_time ON oidc_transactions(expire_time);
  CREATE INDEX oidc_codes_by_expire_time ON oidc_codes(expire_time);
  CREATE INDEX oidc_access_tokens_by_expire_time ON oidc_access_tokens(expire_time);
  -- A transaction is purged only when no code refers to it, and deleting one
  -- makes SQLite look for its codes (ON DELETE CASCADE): without this index,
  -- each would be a scan of every code.
  CREATE INDEX oidc_codes_by_transaction ON oidc_codes(transaction_id);
  `,
  /* 13: every foreign key's column leads an index (db/foreign-keys.test.ts) */ `
  -- Deleting a row makes SQLite look for the rows that refer to it, by the
  -- referring column: ON DELETE CASCADE deletes them, NO ACTION checks none is
  -- left. An index whose first column is not that column cannot serve the
  -- lookup, so each was a scan of the whole table. Deleting one identity with
  -- a credential scanned binding_jobs three times (its jobs, then the jobs
  -- naming its credential) and credentials once, under the write lock: 23 ms
  -- at 100k jobs, every other write waiting (bench/.scratch measurement, see
  -- the commit). Per identity, the two listing indexes now lead with
  -- identity_id: the lists ask for realm_id and identity_id together, so they
  -- read the same entries, and a job costs no extra index entry.
  DROP INDEX binding_jobs_by_identity;
  CREATE INDEX binding_jobs_by_identity ON binding_jobs(identity_id, realm_id);
  DROP INDEX credentials_by_identity;
  CREATE INDEX credentials_by_identity ON credentials(identity_id, realm_id);
  -- Only bound jobs name a credential: new jobs add no entry here.
  CREATE INDEX binding_jobs_by_credential ON binding_jobs(credential_id) WHERE credential_id IS NOT NULL;
  CREATE INDEX oidc_codes_by_identity ON oidc_codes(identity_id);
  CREATE INDEX oidc_access_tokens_by_identity ON oidc_access_tokens(identity_id);
  CREATE INDEX oidc_transactions_by_application ON oidc_transactions(application_id);
  CREATE INDEX admins_by_tenant ON admins(tenant_id);
  `,
  /* 14: a deleted authenticator config's trusted origins, for its links' CORS */ `
  -- Deleting an authenticator config revokes its pending jobs, but their
  -- links live on in inboxes and apps. The browser can read the cloud's
  -- refusal of such a link (":getInfo", ":bind") only with CORS, which is
  -- granted to the config's trusted_origins: kept here after the config is
  -- gone, the page that presents the link still learns it was revoked instead
  -- of a network error. One row per deleted config; the realm takes them along.
  CREATE TABLE deleted_authenticator_configs (
    id TEXT PRIMARY KEY,
    realm_id TEXT NOT NULL REFERENCES realms(id) ON DELETE CASCADE,
    trusted_origins_json TEXT NOT NULL,
    delete_time TEXT NOT NULL
  );
  CREATE INDEX deleted_authenticator_configs_by_realm ON deleted_authenticator_configs(realm_id);
  `,
  /* 15: job creation writes no audit index entry keyed by identity */ `
  -- Each job creation's audit event had an entry in audit_events_by_identity,
  -- whose random identity ids put it on some page in the middle of the index:
  -- one more page to write per job, the costliest part of its audit event
  -- (without it, \`npm run bench -- jobs\`: 10.7k -> 12.3k requests/s, 126 -> 110
  -- µs of CPU per request). That index now leaves job creations out; an
  -- identity's activity finds them through its jobs (binding_jobs_by_identity)
  -- and the job id, whose keys grow with time, so they append at the end.
  DROP INDEX audit_events_by_identity;
  CREATE INDEX audit_events_by_identity ON audit_events(tenant_id, identity_id)
    WHERE action <> 'credential_binding_job.create';
  CREATE INDEX audit_events_by_job_created ON audit_events(resource_id)
    WHERE action = 'credential_binding_job.create';
  `,
  /* 16: an identity's jobs, indexed in batches (a table rebuild: see tableRebuilds) */ `
  -- binding_jobs_by_identity put one entry per job on the page of a random
  -- identity: one more 4 KiB page for the WAL per job, read again by the other
  -- HTTP process after each commit. Without it, job creation ran 1.3 times as
  -- fast (\`npm run bench -- costs\`). The index becomes a table that the
  -- checkpointer's thread fills in batches (db/identity-jobs.ts): a batch of a
  -- few thousand jobs writes each identity's page once. Jobs not yet folded
  -- in are the table's tail, past identity_binding_jobs_folded.through_seq,
  -- which queries read too (JOB_SEQS_OF_IDENTITY), so no read depends on when
  -- the fold ran.
  --
  -- seq is the rowid made explicit and AUTOINCREMENT: the table refers to jobs
  -- by it, so it must survive VACUUM and never be handed out twice (a plain
  -- rowid is reused after the highest row is deleted, and a reused one below
  -- through_seq would never be folded). Its sqlite_sequence row shares a page
  -- with the audit log's, which every job creation writes anyway.
  --
  -- identity_id is no longer a declared foreign key: SQLite would look up an
  -- identity's jobs by that column, unindexed, on every identity delete. The
  -- triggers below keep what the reference did: a job names an existing
  -- identity, and an identity's jobs go with it.
  CREATE TABLE binding_jobs_new (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL,
    realm_id TEXT NOT NULL REFERENCES realms(id),
    identity_id TEXT NOT NULL,
    batch_id TEXT REFERENCES batch_jobs(id),
    delivery_method TEXT NOT NULL CHECK (delivery_method IN ('RETURN', 'EMAIL')),
    state TEXT NOT NULL CHECK (state IN ('LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED', 'COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED')),
    state_reason TEXT,
    credential_id TEXT REFERENCES credentials(id),
    post_binding_redirect_uri TEXT,
    authenticator_config_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    token_used_time TEXT,
    expire_time TEXT NOT NULL,
    create_time TEXT NOT NULL,
    update_time TEXT NOT NULL
  );
  INSERT INTO binding_jobs_new (seq, id, tenant_id, realm_id, identity_id, batch_id, delivery_method, state, state_reason,
      credential_id, post_binding_redirect_uri, authenticator_config_id, token_hash, token_used_time, expire_time, create_time, update_time)
    SELECT rowid, id, tenant_id, realm_id, identity_id, batch_id, delivery_method, state, state_reason,
      credential_id, post_binding_redirect_uri, authenticator_config_id, token_hash, token_used_time, expire_time, create_time, update_time
    FROM binding_jobs;
  DROP TABLE binding_jobs;
  ALTER TABLE binding_jobs_new RENAME TO binding_jobs;
  CREATE INDEX binding_jobs_by_batch ON binding_jobs(batch_id) WHERE batch_id IS NOT NULL;
  CREATE INDEX binding_jobs_by_realm ON binding_jobs(realm_id);
  CREATE INDEX binding_jobs_by_realm_state ON binding_jobs(realm_id, state);
  CREATE INDEX binding_jobs_by_credential ON binding_jobs(credential_id) WHERE credential_id IS NOT NULL;

  CREATE TABLE identity_binding_jobs (
    identity_id TEXT NOT NULL,
    job_seq INTEGER NOT NULL,
    PRIMARY KEY (identity_id, job_seq)
  ) WITHOUT ROWID;
  CREATE TABLE identity_binding_jobs_folded (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    through_seq INTEGER NOT NULL
  );
  INSERT INTO identity_binding_jobs (identity_id, job_seq) SELECT identity_id, seq FROM binding_jobs ORDER BY identity_id, seq;
  INSERT INTO identity_binding_jobs_folded (one, through_seq) SELECT 1, coalesce(max(seq), 0) FROM binding_jobs;

  CREATE TRIGGER binding_jobs_identity_exists BEFORE INSERT ON binding_jobs
    WHEN NOT EXISTS (SELECT 1 FROM identities WHERE id = NEW.identity_id)
  BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed');
  END;
  CREATE TRIGGER binding_jobs_identity_fixed BEFORE UPDATE OF identity_id, seq ON binding_jobs
    WHEN NEW.identity_id IS NOT OLD.identity_id OR NEW.seq IS NOT OLD.seq
  BEGIN
    SELECT RAISE(ABORT, 'a binding job keeps its identity and seq');
  END;
  CREATE TRIGGER binding_jobs_unfold AFTER DELETE ON binding_jobs BEGIN
    DELETE FROM identity_binding_jobs WHERE identity_id = OLD.identity_id AND job_seq = OLD.seq;
  END;
  -- BEFORE: the jobs go first, so the credentials the identity's cascade
  -- deletes are no longer named by a job.
  CREATE TRIGGER identities_take_jobs BEFORE DELETE ON identities BEGIN
    DELETE FROM binding_jobs WHERE seq IN (
      SELECT job_seq FROM identity_binding_jobs WHERE identity_id = OLD.id
      UNION SELECT seq FROM binding_jobs WHERE seq > (SELECT through_seq FROM identity_binding_jobs_folded WHERE one = 1) AND identity_id = OLD.id);
  END;
  `,
  /* 17: pending jobs by state, their expiry in the index */ `
  -- A list of jobs filtered by state answers with total_size, a count of
  -- every job of the realm in that state that has not expired (a pending job
  -- past expire_time reads EXPIRED). With expire_time only in the table, that
  -- count read one table row per index entry: 14 ms in memory at 100k jobs,
  -- 37 ms p50 per request over HTTP (bench/scaling.ts). With it in the index,
  -- after seq so that pages still come in seq order without a sort, the count
  -- reads the index alone (1.7 ms). The pending-job checks of the enrollment
  -- status and of revoking by authenticator config read it there too.
  DROP INDEX binding_jobs_by_realm_state;
  CREATE INDEX binding_jobs_by_realm_state ON binding_jobs(realm_id, state, seq, expire_time);
  `,
];

/**
 * The migrations (numbered from 1) that rebuild a table other tables refer
 * to. They run with foreign keys off, as SQLite's documented procedure for
 * schema changes requires: with them on, dropping the old table would delete,
 * by cascade, the rows that refer to it (the outbox's, for binding_jobs; the
 * authorization codes', for oidc_transactions). `migrate` checks every
 * reference before such a migration commits, a binding job's identity too
 * (since migration 16 kept by triggers, not a declared foreign key).
 *
 * Those triggers on binding_jobs and identities name each other's table: a
 * rebuild of either must drop them first and create them again after the
 * RENAME, or its copy step fails inside a trigger.
 */
export const tableRebuilds: ReadonlySet<number> = new Set([9, 11, 16]);
