import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalTls } from './local-ca';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `openssl verify` of `leafPem` under the CA as a TLS server certificate: its exit and output. */
function verify(caFile: string, leafPem: string): { ok: boolean; output: string } {
  const leafFile = join(dir, 'leaf-under-test.pem');
  writeFileSync(leafFile, leafPem);
  try {
    return { ok: true, output: execFileSync('openssl', ['verify', '-CAfile', caFile, '-purpose', 'sslserver', leafFile], { stdio: 'pipe' }).toString() };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: Buffer }).stderr ?? error) };
  }
}

/** A server certificate for `names`, signed with the CA's own key from DATA_DIR/tls. */
async function forgedLeaf(caPem: string, names: { type: 'dns' | 'ip'; value: string }[]): Promise<string> {
  const der = Buffer.from(readFileSync(join(dir, 'tls', 'ca-key.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const caKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = new x509.X509Certificate(caPem);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '01',
    // Not a host name, so that only the SANs are judged (OpenSSL reads a host-like CN as a DNS name).
    subject: 'CN=forged leaf',
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return leaf.toString('pem');
}

describe('the local CA', () => {
  it('vouches for its localhost certificate', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bindery-ca-'));
    const tls = await ensureLocalTls(dir);
    const result = verify(tls.caFile, tls.certPem);
    expect(result.output).toMatch(/OK/);
    expect(result.ok).toBe(true);
  });

  it('cannot vouch for another host, even with its own key: only localhost, 127.0.0.0/8 and ::1', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bindery-ca-'));
    const tls = await ensureLocalTls(dir);
    expect(verify(tls.caFile, await forgedLeaf(tls.caPem, [{ type: 'dns', value: 'www.bank.example' }])).ok).toBe(false);
    expect(verify(tls.caFile, await forgedLeaf(tls.caPem, [{ type: 'ip', value: '10.0.0.1' }])).ok).toBe(false);
    expect(verify(tls.caFile, await forgedLeaf(tls.caPem, [{ type: 'dns', value: 'localhost' }, { type: 'dns', value: 'evil.example' }])).ok).toBe(false);
    // Loopback names are what it is for.
    expect(verify(tls.caFile, await forgedLeaf(tls.caPem, [{ type: 'ip', value: '127.0.0.2' }])).ok).toBe(true);
  });

  it('replaces a CA made without that limit, and keeps a limited one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bindery-ca-'));
    const first = await ensureLocalTls(dir);
    expect((await ensureLocalTls(dir)).caPem).toBe(first.caPem);
    // An unlimited CA, as earlier versions made: same files, no NameConstraints.
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const old = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: 'CN=old', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000),
      keys, signingAlgorithm: ALG, extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
    });
    writeFileSync(join(dir, 'tls', 'ca.pem'), old.toString('pem'));
    const replaced = await ensureLocalTls(dir);
    expect(replaced.caPem).not.toBe(old.toString('pem'));
    expect(new x509.X509Certificate(replaced.caPem).getExtension('2.5.29.30')).not.toBeNull();
    expect(verify(replaced.caFile, replaced.certPem).ok).toBe(true);
  });
});
