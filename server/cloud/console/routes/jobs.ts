import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { BindingJob, CreateBindingJobResponse } from '../../../../contracts/bi/binding-job';
import {
  JOB_EVENTS,
  bindingLinkCurlQuery,
  createEmailJobRequest,
  type BindingLinkCurlResponse,
  type CreateEmailJobResponse,
  type JobRow,
  type JobStreamEnd,
  type ListJobsResponse,
} from '../../../../contracts/console-api';
import { found, notFound } from '../../../lib/api-error';
import { createBindingJob } from '../../binding-jobs/create-binding-job';
import { revokeBindingJob } from '../../binding-jobs/revoke-binding-job';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { idParam, runAsAdmin } from '../as-admin';
import { readQuery } from '../errors';
import { SESSION_COOKIE, resolveSession, type ConsoleEnv } from '../session';
import { bindingApplication, findJobRow } from '../views';

type C = Context<ConsoleEnv>;

export interface JobEventOptions {
  /** How often the stream re-reads the job. */
  pollMs: number;
  /** How long one stream lasts before it ends with `timeout` (the browser reconnects). */
  maxMs: number;
  /** A comment line this often keeps idle connections open through proxies. */
  keepAliveMs: number;
}

export const DEFAULT_JOB_EVENT_OPTIONS: JobEventOptions = { pollMs: 500, maxMs: 5 * 60_000, keepAliveMs: 15_000 };

/** Jobs listed at most on an identity's page. */
const JOBS_SHOWN = 100;

const emptyBody = z.object({});

/** An identity's binding jobs: list, "Add a passkey" (EMAIL), state (GET and SSE), revoke, and the RETURN curl. */
export function jobRoutes(deps: CloudDeps, events: JobEventOptions) {
  const identityOf = (c: C) => {
    const id = idParam(c, 'identity_id');
    return found(deps.repos.identities.get(c.get('realmId'), id, deps.clock()), 'Identity', id);
  };
  const jobOf = (c: C): JobRow => {
    const identityId = idParam(c, 'identity_id');
    const jobId = idParam(c, 'job_id');
    const row = findJobRow(deps, c.get('realmId'), identityId, jobId);
    if (!row) throw notFound('CredentialBindingJob', jobId);
    return row;
  };

  return {
    listJobs(c: C): Response {
      const identity = identityOf(c);
      const jobs = deps.repos.console
        .jobIdsOfIdentity(identity.realm_id, identity.id, JOBS_SHOWN)
        .flatMap((id) => findJobRow(deps, identity.realm_id, identity.id, id) ?? []);
      return c.json({ jobs } satisfies ListJobsResponse);
    },

    /**
     * "Proceed & send email": an EMAIL job through CreateCredentialBindingJob's
     * own handler, so the message is queued in the job's transaction and the
     * audit log reads as it does for the API. The binding link never reaches
     * the console: it exists only in the sealed outbox row.
     */
    async createEmailJob(c: C): Promise<Response> {
      const identityId = idParam(c, 'identity_id');
      const body = await readJsonBody(c, createEmailJobRequest);
      const { config } = bindingApplication(deps, c.get('realmId'), body.application_id);
      const created = await runAsAdmin(c, deps, createBindingJob, {
        params: { identity_id: identityId },
        body: { job: { delivery_method: 'EMAIL', authenticator_config_id: config.id } },
      }) as CreateBindingJobResponse;
      const job = findJobRow(deps, c.get('realmId'), identityId, created.credential_binding_job.id)!;
      return c.json({ job } satisfies CreateEmailJobResponse);
    },

    getJob(c: C): Response {
      return c.json(jobOf(c));
    },

    async revokeJob(c: C): Promise<Response> {
      const params = { identity_id: idParam(c, 'identity_id'), credential_binding_job_id: idParam(c, 'job_id') };
      await readJsonBody(c, emptyBody);
      const revoked = await runAsAdmin(c, deps, revokeBindingJob, { params, body: {} }) as BindingJob;
      return c.json(findJobRow(deps, c.get('realmId'), revoked.identity_id, revoked.id)!);
    },

    /**
     * The job's state as Server-Sent Events: the current row at once, then each
     * change (the stream re-reads the job every `pollMs`; SQLite answers that in
     * microseconds, and the binding protocol and mail worker need no hooks).
     * It ends with an `end` event on a terminal state, a deleted job, a session
     * that ended, or after `maxMs`.
     */
    jobEvents(c: C): Response {
      const first = jobOf(c);
      const realmId = c.get('realmId');
      const sessionId = getCookie(c, SESSION_COOKIE);
      return streamSSE(
        c,
        async (stream) => {
          const end = (reason: JobStreamEnd['reason']) =>
            stream.writeSSE({ event: JOB_EVENTS.end, data: JSON.stringify({ reason } satisfies JobStreamEnd) });
          let last = JSON.stringify(first);
          await stream.writeSSE({ event: JOB_EVENTS.job, data: last, retry: 3000 });
          if (first.terminal) return end('terminal');
          const deadline = Date.now() + events.maxMs;
          let keepAliveAt = Date.now() + events.keepAliveMs;
          while (!stream.aborted) {
            await stream.sleep(events.pollMs);
            if (stream.aborted) return;
            if (!resolveSession(deps, sessionId, deps.clock())) return end('signed_out');
            const row = findJobRow(deps, realmId, first.identity_id, first.id);
            if (!row) return end('gone');
            const text = JSON.stringify(row);
            if (text !== last) {
              last = text;
              await stream.writeSSE({ event: JOB_EVENTS.job, data: text });
            }
            if (row.terminal) return end('terminal');
            if (Date.now() >= deadline) return end('timeout');
            if (Date.now() >= keepAliveAt) {
              await stream.write(': keep-alive\n\n');
              keepAliveAt = Date.now() + events.keepAliveMs;
            }
          }
        },
        async (error) => {
          deps.log.error('console: job event stream failed', { job_id: first.id, error });
        },
      );
    },

    /**
     * "Generate curl for link from the API": the CreateCredentialBindingJob call
     * for a RETURN job, with the real base URL and ids and `$API_TOKEN` for the
     * bearer token. Built here, where the ids and URLs are known; it creates
     * nothing and holds no secret.
     */
    bindingLinkCurl(c: C): Response {
      const identity = identityOf(c);
      const query = readQuery(c, bindingLinkCurlQuery);
      const { config } = bindingApplication(deps, identity.realm_id, query.application_id);
      const managementAppId = deps.repos.console.managementApplicationId(identity.realm_id);
      const realmPath = `/v1/tenants/${identity.tenant_id}/realms/${identity.realm_id}`;
      const url = `${deps.config.apiBaseUrl}${realmPath}/identities/${identity.id}/credential-binding-jobs`;
      const body = { job: { delivery_method: 'RETURN' as const, authenticator_config_id: config.id } };
      const curl = [
        `curl -sS -X POST ${shellQuote(url)} \\`,
        `  -H "Authorization: Bearer $API_TOKEN" \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d ${shellQuote(JSON.stringify(body))}`,
      ].join('\n');
      const tokenBase = `${deps.config.authBaseUrl}${realmPath}/applications/`;
      // Without a Management API application in the realm, its id is one more placeholder (left to the shell).
      const tokenUrl = managementAppId ? shellQuote(`${tokenBase}${managementAppId}/token`) : `${shellQuote(tokenBase)}"$MANAGEMENT_APPLICATION_ID/token"`;
      const token_curl = [
        `curl -sS -X POST ${tokenUrl} \\`,
        `  -u "$CLIENT_ID:$CLIENT_SECRET" \\`,
        `  -d grant_type=client_credentials \\`,
        `  -d 'scope=credential-binding-jobs:create'`,
      ].join('\n');
      const placeholders = ['$API_TOKEN', '$CLIENT_ID', '$CLIENT_SECRET', ...(managementAppId ? [] : ['$MANAGEMENT_APPLICATION_ID'])];
      return c.json({ curl, token_curl, method: 'POST', url, body, placeholders } satisfies BindingLinkCurlResponse);
    },
  };
}

/** A POSIX shell single-quoted word: safe whatever the URL contains. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
