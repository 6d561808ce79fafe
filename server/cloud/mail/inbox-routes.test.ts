import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { CloudEnv } from '../deps';
import type { CapturedMessage } from './capture';
import { mountInbox } from './inbox-routes';

const message: CapturedMessage = {
  id: 1,
  from: 'cloud@bindery.test',
  to: ['ann@example.com'],
  subject: 'Add a passkey',
  text: 'Open http://localhost:8787/v1/x:invokeAuthenticator?token=SECRET',
  html: '',
  date: '2030-01-01T00:00:00.000Z',
  links: ['http://localhost:8787/v1/x:invokeAuthenticator?token=SECRET'],
};

function inbox(apiBaseUrl = 'http://localhost:8787') {
  const app = new Hono<CloudEnv>();
  mountInbox(app, { messages: () => [message] }, apiBaseUrl);
  return (path: string, host: string | undefined) => app.request(path, host === undefined ? {} : { headers: { host } });
}

describe('the capture inbox', () => {
  it.each(['localhost:8787', 'LOCALHOST:8787', '127.0.0.1:8787', '[::1]:8787', 'localhost'])('answers a request addressed to this machine (Host %s)', async (host) => {
    const get = inbox();
    const json = await get('/inbox/messages', host);
    expect(json.status).toBe(200);
    expect(((await json.json()) as { messages: CapturedMessage[] }).messages[0]!.links).toEqual(message.links);
    expect((await get('/inbox', host)).status).toBe(200);
  });

  it("answers on the API base URL's own host name", async () => {
    expect((await inbox('http://cloud.internal:8787')('/inbox/messages', 'cloud.internal:8787')).status).toBe(200);
  });

  it.each(['evil.example:8787', 'localhost.evil.example', '127.0.0.1.nip.io:8787', '', 'bad host'])(
    'refuses another host name (DNS rebinding) with 421, showing no link (Host %j)',
    async (host) => {
      const get = inbox();
      for (const path of ['/inbox', '/inbox/messages']) {
        const response = await get(path, host);
        expect(response.status).toBe(421);
        expect(await response.text()).not.toContain('SECRET');
      }
    },
  );
});
