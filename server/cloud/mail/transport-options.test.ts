import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpTransportOptions } from './transport-options';

describe('smtpTransportOptions', () => {
  it.each([
    ['smtp://user:pass@relay.example:587', { secure: false, requireTLS: true, port: 587, host: 'relay.example' }],
    ['smtp://relay.example', { secure: false, requireTLS: true, port: 587 }],
    ['smtps://relay.example', { secure: true, requireTLS: false, port: 465 }],
    ['smtp://relay.example:25?tls=off', { secure: false, requireTLS: false, port: 25 }],
    ['smtp://127.0.0.1:2525', { requireTLS: false }],
    ['smtp://localhost:2525', { requireTLS: false }],
    ['smtp://[::1]:2525', { requireTLS: false, host: '::1' }],
  ])('%s', (url, expected) => {
    expect(smtpTransportOptions(url)).toMatchObject(expected);
  });

  it('decodes the credentials of the URL', () => {
    expect(smtpTransportOptions('smtp://mail%40user:p%3Ass@relay.example').auth).toEqual({ user: 'mail@user', pass: 'p:ss' });
  });
});

describe('a relay that offers no STARTTLS', () => {
  let server: SMTPServer | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('gets neither the password nor the message', async () => {
    const seen: string[] = [];
    server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        seen.push(`AUTH ${auth.username}`);
        callback(null, { user: auth.username });
      },
      onData: (stream, _session, callback) => {
        seen.push('DATA');
        stream.resume().on('end', () => callback());
      },
    });
    const port = await new Promise<number>((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.server.address() as { port: number }).port)));
    // The options for a remote relay, pointed at this loopback server (tests bind loopback only).
    const options = { ...smtpTransportOptions(`smtp://mailuser:secret@relay.example:${port}`), host: '127.0.0.1', pool: false as const };
    const transport = createTransport(options);
    await expect(transport.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'link' })).rejects.toThrow(/STARTTLS/i);
    transport.close();
    expect(seen).toEqual([]);
  });
});
