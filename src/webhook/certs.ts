// Self-signed CA plus a serving certificate for the webhook Service (SANs svc, svc.ns, svc.ns.svc,
// svc.ns.svc.cluster.local), as PEM. Keys come from node:crypto; certificates are built with
// node-forge. Lifetimes follow Kyverno's defaults (CA 1 year, serving cert 150 days).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** PEM material for the webhook. */
export interface WebhookCertificates {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

/** Options of generateCertificates. */
export interface CertOptions {
  service: string;
  namespace: string;
  /** Extra SANs: DNS names, or IP addresses (e.g. `127.0.0.1` for loopback tests). */
  extraNames?: readonly string[];
  caDays?: number;
  certDays?: number;
  /** Clock, for tests. */
  now?: Date;
}

/** The DNS names a Service is reached by inside the cluster. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

function newKeyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const priv = forge.pki.privateKeyFromPem(privateKey);
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
  return { pub, priv, pem: privateKey };
}

function serial(): string {
  // A positive 128-bit serial: clear the top bit so DER does not read it as negative.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A new key pair and a certificate for it (not a CA) signed by the CA: `usage` are its extensions after key usage. */
function issueLeaf(issuer: forge.pki.CertificateField[], caKey: forge.pki.rsa.PrivateKey, commonName: string, now: Date, days: number, usage: object[]): { cert: string; key: string } {
  const leaf = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.pub;
  cert.serialNumber = serial();
  validity(cert, now, days);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(issuer);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true }, ...usage]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: leaf.pem };
}

/** Generates a CA and a serving certificate signed by it. */
export function generateCertificates(opts: CertOptions): WebhookCertificates {
  const now = opts.now ?? new Date();
  const ca = newKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.pub;
  caCert.serialNumber = serial();
  validity(caCert, now, opts.caDays ?? 365);
  const caSubject = [{ name: 'commonName', value: `${opts.service}.${opts.namespace}.svc-ca` }, { name: 'organizationName', value: 'podgate' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());

  const names = [...serviceDnsNames(opts.service, opts.namespace), ...(opts.extraNames ?? [])];
  const leaf = issueLeaf(caSubject, ca.priv, `${opts.service}.${opts.namespace}.svc`, now, opts.certDays ?? 150, [
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((n) => (IPV4.test(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
  ]);
  return { caCert: forge.pki.certificateToPem(caCert), caKey: ca.pem, cert: leaf.cert, key: leaf.key };
}

/** Options of generateClientCertificate. */
export interface ClientCertOptions {
  /** The signing CA, PEM. */
  caCert: string;
  caKey: string;
  commonName: string;
  days?: number;
  now?: Date;
}

/** A client certificate (extKeyUsage clientAuth) signed by the given CA, e.g. the API server's for `serve --client-ca`. */
export function generateClientCertificate(opts: ClientCertOptions): { cert: string; key: string } {
  const now = opts.now ?? new Date();
  const caCert = forge.pki.certificateFromPem(opts.caCert);
  return issueLeaf(caCert.subject.attributes, forge.pki.privateKeyFromPem(opts.caKey), opts.commonName, now, opts.days ?? 365, [{ name: 'extKeyUsage', clientAuth: true }]);
}
