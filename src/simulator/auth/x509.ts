// Self-signed X.509 certificates, built with node:crypto and a little DER: for the simulator's
// own HTTPS and for tests of certificate client assertions (good, wrong key, expired…), with
// any validity period. Also the thumbprints Entra ID uses (x5t = SHA-1, x5t#S256 = SHA-256).
import {
  type KeyObject,
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { isIP } from 'node:net';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if ((v[0] as number) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    let v = p >>> 7;
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  const body = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return y >= 1950 && y < 2050
    ? tlv(0x17, Buffer.from(body, 'ascii'))
    : tlv(0x18, Buffer.from(`${String(y).padStart(4, '0')}${body.slice(2)}`, 'ascii'));
}

function name(cn: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), utf8(cn))));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

export interface CertificateSpec {
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** DNS names and IP addresses for subjectAltName (needed to serve TLS). */
  altNames?: string[];
  /** Reuse a key pair (PEM private key); default: a fresh RSA-2048 key. */
  privateKeyPem?: string;
}

export interface Certificate {
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
  /** SHA-1 of the DER, upper-case hex (how Entra ID prints it). */
  thumbprint: string;
  /** base64url SHA-1 of the DER (JWT header x5t). */
  x5t: string;
  /** base64url SHA-256 of the DER (JWT header x5t#S256). */
  x5tS256: string;
}

export function createCertificate(spec: CertificateSpec = {}): Certificate {
  const privateKey = spec.privateKeyPem
    ? createPrivateKey(spec.privateKeyPem)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const now = Date.now();
  const notBefore = spec.notBefore ?? new Date(now - 3600_000);
  const notAfter = spec.notAfter ?? new Date(now + 365 * 86400_000);
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));
  const subject = name(spec.commonName ?? 'm365hunt simulator');
  const extensions: Buffer[] = [seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true))))];
  if (spec.altNames && spec.altNames.length > 0) {
    const general = spec.altNames.map((n) =>
      isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii')),
    );
    extensions.push(seq(oid('2.5.29.17'), octets(seq(...general))));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    subject,
    seq(time(notBefore), time(notAfter)),
    subject,
    Buffer.from(spki),
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, bits(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
  const sha1 = createHash('sha1').update(der).digest();
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey,
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}

export interface RegisteredCertificate {
  pem: string;
  x509: X509Certificate;
  publicKey: KeyObject;
  thumbprint: string;
  x5t: string;
  x5tS256: string;
  notBefore: number;
  notAfter: number;
}

/** Parses a PEM certificate for registration on the app. */
export function registerCertificate(pem: string): RegisteredCertificate {
  const x509 = new X509Certificate(pem);
  const der = x509.raw;
  const sha1 = createHash('sha1').update(der).digest();
  return {
    pem,
    x509,
    publicKey: x509.publicKey,
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    notBefore: Date.parse(x509.validFrom),
    notAfter: Date.parse(x509.validTo),
  };
}
