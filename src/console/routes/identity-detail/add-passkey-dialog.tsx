import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { IdentityDetail } from '../../../../contracts/console-api';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { ErrorText } from '../../components/error-text';
import { SelectField } from '../../components/fields';
import { LoadError, Loading } from '../../components/query-state';
import { useApplications } from '../../features/applications/api/list-applications';
import { useBindingLinkCurl } from '../../features/jobs/api/binding-link-curl';
import { useCreateEmailJob } from '../../features/jobs/api/create-email-job';
import type { useLiveJob } from '../../features/jobs/use-live-job';
import { consolePaths } from '../../paths';
import { focusDialogField } from '../../lib/focus';
import { LiveJobStatus } from './live-job-status';

type Step = { kind: 'choose' } | { kind: 'email' } | { kind: 'curl'; applicationId: string };

export interface AddPasskeyDialogProps {
  realmId: string;
  identity: IdentityDetail;
  /** The live job the page follows (the dialog shows it; the page keeps following it after the dialog closes). */
  live: ReturnType<typeof useLiveJob>;
  onJobCreated: (jobId: string) => void;
  onClose: () => void;
}

/** The server-built curl lines, with copy buttons; they hold placeholders, never a secret. */
function CurlView({ realmId, identityId, applicationId, onBack }: { realmId: string; identityId: string; applicationId: string; onBack: () => void }) {
  const curl = useBindingLinkCurl(realmId, identityId, applicationId);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section aria-labelledby="curl-title" aria-busy={curl.isFetching || undefined}>
      <h3 id="curl-title" ref={headingRef} tabIndex={-1}>
        Binding link from the API
      </h3>
      {curl.isPending ? (
        <Loading what="the curl command" />
      ) : curl.isError ? (
        <LoadError what="the curl command" error={curl.error} onRetry={() => void curl.refetch()} retrying={curl.isFetching} />
      ) : (
        <>
          <p>
            This Management API call creates a RETURN binding job and answers with its <code>credential_binding_link</code>. Run
            it where your API token lives; the console creates nothing.
          </p>
          {/* Both commands scroll sideways (long lines): tabIndex lets keyboard users scroll them too. */}
          <div className="code-block">
            <pre aria-label="curl command" tabIndex={0}>{curl.data.curl}</pre>
            <CopyButton text={curl.data.curl} label="Copy" />
          </div>
          <p>
            No API token yet? Get one with the Management API application’s client credentials (or create one under{' '}
            <Link to={consolePaths.tokens.getHref()}>API tokens</Link>):
          </p>
          <div className="code-block">
            <pre aria-label="token curl command" tabIndex={0}>{curl.data.token_curl}</pre>
            <CopyButton text={curl.data.token_curl} label="Copy token command" />
          </div>
          <p className="note">
            Replace the placeholders {curl.data.placeholders.map((name, index) => (
              <span key={name}>
                {index > 0 ? ', ' : ''}
                <code>{name}</code>
              </span>
            ))}{' '}
            with your own values.
          </p>
        </>
      )}
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={onBack}>
          Back
        </button>
      </div>
    </section>
  );
}

/**
 * "Add a passkey": choose an application that can bind (an embedded authenticator config), then
 * either "Proceed & send email" (an EMAIL job, followed live until it completes or fails) or
 * "Generate curl for link from the API" (the RETURN call, for the admin to run).
 */
export function AddPasskeyDialog({ realmId, identity, live, onJobCreated, onClose }: AddPasskeyDialogProps) {
  const applications = useApplications(realmId);
  const bindable = (applications.data ?? []).filter((app) => app.can_bind);
  const [chosen, setChosen] = useState('');
  // With one application that can bind, it is the choice.
  const applicationId = chosen || (bindable.length === 1 ? bindable[0]!.application.id : '');
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [problem, setProblem] = useState<string | null>(null);
  const createJob = useCreateEmailJob(realmId, identity.id);
  const liveHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (step.kind === 'email') liveHeading.current?.focus();
  }, [step.kind]);

  function needApplication(): boolean {
    if (applicationId) return true;
    setProblem('Choose an application first.');
    return false;
  }

  function sendEmail() {
    if (!needApplication()) return;
    setProblem(null);
    createJob.mutate(applicationId, {
      onSuccess: (job) => {
        onJobCreated(job.id);
        setStep({ kind: 'email' });
      },
    });
  }

  function showCurl() {
    if (!needApplication()) return;
    setProblem(null);
    createJob.reset();
    setStep({ kind: 'curl', applicationId });
  }

  let body;
  if (step.kind === 'email') {
    body = (
      <section aria-labelledby="live-title">
        <h3 id="live-title" ref={liveHeading} tabIndex={-1}>
          Passkey email{live.job?.email ? ` to ${live.job.email.recipient}` : ''}
        </h3>
        <LiveJobStatus job={live.job} transport={live.transport} error={live.error} />
        <div className="actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </section>
    );
  } else if (step.kind === 'curl') {
    body = (
      <CurlView
        realmId={realmId}
        identityId={identity.id}
        applicationId={step.applicationId}
        onBack={() => {
          setStep({ kind: 'choose' });
          // "Back" is gone with the curl view: focus goes to the choice it returns to.
          focusDialogField('application');
        }}
      />
    );
  } else if (applications.isPending) {
    body = <Loading what="the applications" />;
  } else if (applications.isError) {
    body = <LoadError what="the applications" error={applications.error} onRetry={() => void applications.refetch()} retrying={applications.isFetching} />;
  } else {
    body = (
      <>
        <SelectField
          name="application"
          label="Application"
          value={applicationId}
          onChange={(value) => {
            setChosen(value);
            setProblem(null);
          }}
          autoFocus
          hint="The passkey is bound for this application’s authenticator config. Only applications with an embedded authenticator config (an Invoke URL) can bind."
          options={[
            { value: '', label: 'Choose an application…', disabled: true },
            ...(applications.data ?? []).map((app) => {
              const name = app.application.display_name ?? app.application.id;
              return { value: app.application.id, label: app.can_bind ? name : `${name} (no embedded authenticator config)`, disabled: !app.can_bind };
            }),
          ]}
        />
        {bindable.length === 0 && (
          <p className="status status--error">
            No application of this realm can bind passkeys. <Link to={consolePaths.applications.getHref()}>Give one an embedded authenticator config</Link>.
          </p>
        )}
        <div className="choices-grid">
          <section className="choice-card" aria-labelledby="send-email-title">
            <h3 id="send-email-title">Send an email to user</h3>
            <p>
              {identity.email ? (
                <>
                  The cloud emails <strong>{identity.email}</strong> a binding link. Opening it leads to the application, where
                  the person creates the passkey.
                </>
              ) : (
                'This identity has no email address: add one (Edit) before sending a passkey email.'
              )}
            </p>
            <button type="button" className="button" onClick={sendEmail} disabled={createJob.isPending} aria-busy={createJob.isPending || undefined}>
              Proceed & send email
            </button>
          </section>
          <section className="choice-card" aria-labelledby="api-link-title">
            <h3 id="api-link-title">Or get the link from the API</h3>
            <p>Shows the Management API call that returns a binding link, to hand over in your own way.</p>
            <button type="button" className="button button--secondary" onClick={showCurl} disabled={createJob.isPending}>
              Generate curl for link from the API
            </button>
          </section>
        </div>
        <p className="live live--error" role="alert">
          {problem ?? ''}
        </p>
        <ErrorText error={createJob.error} prefix="No email was sent." />
      </>
    );
  }

  return (
    <Dialog title="Add a passkey" onClose={onClose} size="wide" busy={createJob.isPending} description={`For ${identity.display_name} (${identity.username}).`}>
      {body}
    </Dialog>
  );
}
