import type SMTPPool from 'nodemailer/lib/smtp-pool';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * nodemailer's options for `SMTP_URL`. `smtps://` is TLS from the first byte. `smtp://` to any
 * host but loopback must upgrade with STARTTLS: nodemailer otherwise upgrades only when the
 * server offers it, so anyone on the path could strip the offer and read the password and every
 * binding link (a link is enough to add a passkey to someone's account). A relay that has no
 * TLS at all can still be used, explicitly: `?tls=off`.
 */
export function smtpTransportOptions(smtpUrl: string): SMTPPool.Options {
  const url = new URL(smtpUrl);
  const implicitTls = url.protocol === 'smtps:';
  const plaintextAllowed = LOOPBACK.test(url.hostname) || url.searchParams.get('tls') === 'off';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port) || (implicitTls ? 465 : 587),
    secure: implicitTls,
    requireTLS: !implicitTls && !plaintextAllowed,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    pool: true,
    maxConnections: 4,
    // Fail a dead or stuck mail server in seconds, not nodemailer's default minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}
