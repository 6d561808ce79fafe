import type { Hono, MiddlewareHandler } from 'hono';
import type { CloudEnv } from '../deps';
import type { CapturedMessage } from './capture';

/**
 * The built-in capture inbox, for development and tests: `GET /inbox` is a
 * small HTML page of the captured messages (newest first), `GET /inbox/messages`
 * the same as JSON `{messages:[{id, from, to, subject, text, html, date, links}]}`.
 * Mounted only when the cloud runs its own capture (SMTP_URL unset).
 *
 * It needs no sign-in and shows whole binding links, so it answers only
 * requests addressed to this machine by name: the API base URL's host, or a
 * loopback one. A web page that points its own host name at 127.0.0.1 (DNS
 * rebinding) reaches the loopback port all the same, but its requests carry
 * its host name, and get 421.
 */
export function mountInbox(
  app: Hono<CloudEnv>,
  capture: { messages(): CapturedMessage[] | Promise<CapturedMessage[]> },
  apiBaseUrl: string,
): void {
  const hosts = new Set(['localhost', '127.0.0.1', '[::1]', new URL(apiBaseUrl).hostname]);
  const local: MiddlewareHandler<CloudEnv> = async (c, next) => {
    if (!hosts.has(hostnameOf(c.req.header('host')))) return c.text('Misdirected request: the inbox answers only on this machine.', 421);
    await next();
  };
  app.use('/inbox', local);
  app.use('/inbox/*', local);
  app.get('/inbox/messages', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ messages: [...(await capture.messages())].reverse() });
  });
  app.get('/inbox', async (c) => {
    c.header('Cache-Control', 'no-store');
    const e = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    const items = [...(await capture.messages())]
      .reverse()
      .map(
        (m) => `<article><h2>${e(m.subject)}</h2><p class="meta">To ${e(m.to.join(', '))} · ${e(m.date)}</p>
<pre>${e(m.text)}</pre>${m.links.map((l) => `<p><a href="${e(l)}">Open link</a></p>`).join('')}</article>`,
      )
      .join('\n');
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bindery local inbox</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1f29}
article{border:1px solid #d5d9e3;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0}h2{font-size:1.1rem;margin:0}
.meta{color:#5a6275;margin:.25rem 0 .75rem}pre{white-space:pre-wrap;word-break:break-all;background:#f4f6fb;padding:.75rem;border-radius:6px}</style>
</head><body><main><h1>Local inbox</h1><p>Email the local cloud sent over SMTP to its built-in capture (newest first). JSON: <a href="/inbox/messages">/inbox/messages</a></p>
${items || '<p>No messages yet.</p>'}</main></body></html>`);
  });
}

/** The host name of a Host header (port and case dropped); '' when it is missing or malformed. */
function hostnameOf(header: string | undefined): string {
  if (!header) return '';
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return '';
  }
}
