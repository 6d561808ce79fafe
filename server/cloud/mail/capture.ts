import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMessage {
  id: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  date: string;
  /** Every http(s) link in the text part, in order. */
  links: string[];
}

export interface MailCapture {
  port: number;
  messages(): CapturedMessage[];
  /** Resolves with the first message (already captured or arriving within `timeoutMs`) that matches. */
  waitFor(match: (message: CapturedMessage) => boolean, timeoutMs?: number): Promise<CapturedMessage>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps what it receives (the newest 500
 * messages), parsed with mailparser. `npm start` runs it when SMTP_URL is not
 * set, so the default system needs no mail server; tests send to it over SMTP
 * with nodemailer. `delayMs` holds each message before answering "250", to
 * model a slow mail server. Addresses under `.invalid` are refused with 550.
 */
export async function startMailCapture(options: { port?: number; delayMs?: number } = {}): Promise<MailCapture> {
  const messages: CapturedMessage[] = [];
  const waiters = new Set<() => void>();
  let nextId = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 5 * 1024 * 1024,
    // As a real mail server refuses a mailbox it does not have: `.invalid` is reserved never to
    // exist (RFC 2606), so an identity with such an address shows what an undeliverable one does.
    onRcptTo(address, _session, callback) {
      if (/\.invalid$/i.test(address.address)) {
        return callback(Object.assign(new Error(`${address.address}: no such mailbox (the .invalid domain never exists)`), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          const text = parsed.text ?? '';
          messages.push({
            id: nextId++,
            from: parsed.from?.text ?? '',
            to: (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? '')),
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            date: (parsed.date ?? new Date()).toISOString(),
            links: text.match(/https?:\/\/\S+/g) ?? [],
          });
          if (messages.length > 500) messages.shift();
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  // smtp-server re-emits a client's socket error in the middle of a message (a
  // reset, say) as 'error' on the server; unheard, it would crash the process
  // that hosts the capture (the whole `npm start`). That client's message
  // simply fails, as on any mail server, and its sender retries.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    messages: () => [...messages],
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching email within ${timeoutMs} ms (${messages.length} captured)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
