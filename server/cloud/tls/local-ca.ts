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
  // A CA made before it was limited to loopback names is replaced (and must be trusted again).
  const constrainedCa = existsSync(files.ca) && isLoopbackOnly(new x509.X509Certificate(readFileSync(files.ca, 'utf8')));
  if (constrainedCa && existsSync(files.cert) && existsSync(files.key)) {
    const certPem = readFileSync(files.cert, 'utf8');
    // Re-issue the leaf (under the same CA) a month before it runs out.
    if (new x509.X509Certificate(certPem).notAfter.getTime() > Date.now() + 30 * DAY && existsSync(files.caKey)) {
      return { caPem: readFileSync(files.ca, 'utf8'), caFile: files.ca, certPem, keyPem: readFileSync(files.key, 'utf8') };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let caPem: string;
  let caKeys: CryptoKeyPair;
  if (constrainedCa && existsSync(files.caKey)) {
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
        loopbackOnlyExtension(),
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

/** X.509 NameConstraints (RFC 5280 §4.2.1.10). */
const NAME_CONSTRAINTS = '2.5.29.30';

/**
 * Limits what the CA can vouch for to `localhost`, 127.0.0.0/8 and ::1. Once trusted
 * (`npm run trust-local-ca`), a CA without it would let anyone who reads its key
 * (in DATA_DIR) sign for any site that browser visits. Critical, so a verifier that
 * does not understand it refuses the CA instead of ignoring the limit.
 * @peculiar/x509 has no class for it; the DER is small enough to write here.
 */
function loopbackOnlyExtension(): x509.Extension {
  const subtree = (generalName: Buffer) => der(0x30, generalName);
  const dnsName = (name: string) => der(0x82, Buffer.from(name, 'ascii'));
  // iPAddress [7]: the address, then its mask.
  const ipRange = (address: number[], mask: number[]) => der(0x87, Buffer.from([...address, ...mask]));
  const permitted = der(
    0xa0,
    subtree(dnsName('localhost')),
    subtree(ipRange([127, 0, 0, 0], [255, 0, 0, 0])),
    subtree(ipRange([...Array(15).fill(0), 1], Array(16).fill(255))),
  );
  return new x509.Extension(NAME_CONSTRAINTS, true, new Uint8Array(der(0x30, permitted)));
}

function isLoopbackOnly(ca: x509.X509Certificate): boolean {
  return ca.getExtension(NAME_CONSTRAINTS) !== null;
}

/** One DER element: tag, definite length, contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const length: number[] = [];
  for (let n = body.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  const lengthBytes = body.length < 128 ? [body.length] : [0x80 | length.length, ...length];
  return Buffer.concat([Buffer.from([tag, ...lengthBytes]), body]);
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
