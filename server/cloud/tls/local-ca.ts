import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface LocalTls {
  /** The local CA certificate (PEM): what a browser or NSS database must trust. */
  caPem: string;
  caFile: string;
  /** The leaf certificate for localhost / 127.0.0.1 / ::1, and its key (PEM). */
  certPem: string;
  keyPem: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

/**
 * The local cloud's TLS material, made on first start and kept in
 * `DATA_DIR/tls/`: a CA of its own and a leaf certificate for localhost.
 * The SDK insists that the signing keys (`jku`) come over https; a private CA
 * lets that be real, strictly verified TLS once the CA is trusted
 * (`npm run trust-local-ca`), with no certificate warnings to click through.
 */
export async function ensureLocalTls(dataDir: string): Promise<LocalTls> {
  const dir = join(dataDir, 'tls');
  const files = { ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca-key.pem'), cert: join(dir, 'localhost.pem'), key: join(dir, 'localhost-key.pem') };
  if (existsSync(files.ca) && existsSync(files.cert) && existsSync(files.key)) {
    const certPem = readFileSync(files.cert, 'utf8');
    // Re-issue the leaf (under the same CA) a month before it runs out.
    if (new x509.X509Certificate(certPem).notAfter.getTime() > Date.now() + 30 * DAY && existsSync(files.caKey)) {
      return { caPem: readFileSync(files.ca, 'utf8'), caFile: files.ca, certPem, keyPem: readFileSync(files.key, 'utf8') };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let caPem: string;
  let caKeys: CryptoKeyPair;
  if (existsSync(files.ca) && existsSync(files.caKey)) {
    caPem = readFileSync(files.ca, 'utf8');
    caKeys = await importKeyPair(readFileSync(files.caKey, 'utf8'), new x509.X509Certificate(caPem));
  } else {
    caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=Bindery local CA, O=Bindery (development only)',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 10 * 365 * DAY),
      keys: caKeys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    caPem = ca.toString('pem');
    write(files.ca, caPem, 0o644);
    write(files.caKey, await privatePem(caKeys.privateKey), 0o600);
  }

  const leafKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const caCert = new x509.X509Certificate(caPem);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - DAY),
    // Within the 398 days browsers accept for server certificates.
    notAfter: new Date(Date.now() + 397 * DAY),
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const certPem = leaf.toString('pem');
  const keyPem = await privatePem(leafKeys.privateKey);
  write(files.cert, certPem, 0o644);
  write(files.key, keyPem, 0o600);
  return { caPem, caFile: files.ca, certPem, keyPem };
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importKeyPair(pem: string, cert: x509.X509Certificate): Promise<CryptoKeyPair> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const publicKey = await cert.publicKey.export(ALG, ['verify'], webcrypto as unknown as Crypto);
  return { privateKey, publicKey } as CryptoKeyPair;
}

function serial(): string {
  // Positive 128-bit serial (high bit clear), as RFC 5280 asks.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function write(file: string, content: string, mode: number): void {
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
}
