import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit';

function appWithLimit(maxBytes: number) {
  const seen: string[] = [];
  const app = new Hono();
  app.use(bodyLimit(maxBytes, (c) => c.json({ code: 'payload_too_large' }, 413)));
  app.post('/', async (c) => {
    seen.push(await c.req.text());
    return c.json({ ok: true });
  });
  return { app, seen };
}

describe('bodyLimit', () => {
  it('refuses a declared Content-Length over the limit without running the handler', async () => {
    const { app, seen } = appWithLimit(10);
    const res = await app.request('/', { method: 'POST', headers: { 'content-length': '11' }, body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('passes a declared Content-Length at the limit', async () => {
    const { app, seen } = appWithLimit(10);
    const res = await app.request('/', { method: 'POST', headers: { 'content-length': '10' }, body: 'x'.repeat(10) });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['x'.repeat(10)]);
  });

  it('counts a body without Content-Length (streamed) as it arrives', async () => {
    const { app, seen } = appWithLimit(10);
    const stream = (n: number) =>
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < n; i++) controller.enqueue(new TextEncoder().encode('x'));
          controller.close();
        },
      });
    const over = await app.request('/', { method: 'POST', body: stream(11), duplex: 'half' } as RequestInit);
    expect(over.status).toBe(413);
    const under = await app.request('/', { method: 'POST', body: stream(3), duplex: 'half' } as RequestInit);
    expect(under.status).toBe(200);
    expect(seen).toEqual(['xxx']);
  });
});
