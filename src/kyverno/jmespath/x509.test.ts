// x509_decode against certificates made with openssl (testdata/*.pem); the expected values are read off
// `openssl x509 -text` and Go's crypto/x509 constants (SignatureAlgorithm SHA256WithRSA = 4, PublicKeyAlgorithm
// RSA = 1, KeyUsage bits, ExtKeyUsage ServerAuth = 1 / ClientAuth = 2), in the JSON shape encoding/json gives
// an x509.Certificate (kyverno@v1.10.7 jpX509Decode: RSA keys as {N: decimal string, E}).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { JmespathError, searchJmespath } from './index.js';

const pem = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const cert = searchJmespath('x509_decode(@)', pem('rsa-ca.pem')) as Record<string, unknown>;
const at = (expr: string) => searchJmespath(expr, cert);

const MODULUS =
  'F30CD03F7AB4EA9869CC3A4517AFC7F5D41ADD89824D0E233429E672E614997D8EB10E26E51EBC9BAF0B1738E63EEE441460B844A7C7F1532DFCB0C26419132B844155B0DBD1C82171997E34E318AB9A552A4BB46E5A537AD77D8AB061700EBF7D03D51BC7638C4EA5E44684A58C246AA7CB5EFB58503CA58B04D9CCF0C90B91ABE7CDF72875ACF533F9795D38D04DCD27A45DC94443AD23536A2E71948A866F3B382EF62BD14CE29ECBD1EFA406D32A7D061606ADADA1770CBB7DC6E990E0B816B3751CE4025AC05A72021F8144B0626774B3B9D1A60D85A834A980BAFF1F6EFB97A4660970F08B3CF6E95436575A9CE53D836A6E88E8ACB5C1AC6C2C1947F3';

const fields: { name: string; expr: string; want: unknown }[] = [
  { name: 'Version is the X.509 version (v3)', expr: 'Version', want: 3 },
  { name: 'SerialNumber is a JSON number (a float64 once decoded)', expr: 'SerialNumber', want: Number(0x1f2e3d4c5b6a79880706n) },
  { name: 'SignatureAlgorithm is Go SHA256WithRSA', expr: 'SignatureAlgorithm', want: 4 },
  { name: 'PublicKeyAlgorithm is Go RSA', expr: 'PublicKeyAlgorithm', want: 1 },
  { name: 'the RSA modulus is a decimal string', expr: 'PublicKey.N', want: BigInt(`0x${MODULUS}`).toString() },
  { name: 'the RSA exponent is a number', expr: 'PublicKey.E', want: 65537 },
  { name: 'Subject fields', expr: 'Subject.[CommonName, Country, Organization, OrganizationalUnit, Locality, SerialNumber]', want: ['webhook.kyverno.svc', ['DE'], ['podgate test'], ['admission'], null, ''] },
  { name: 'Subject.Names keeps every attribute with its OID', expr: 'Subject.Names[].Type', want: [[2, 5, 4, 6], [2, 5, 4, 10], [2, 5, 4, 11], [2, 5, 4, 3]] },
  { name: 'Issuer of a self-signed certificate is its subject', expr: 'Issuer.CommonName', want: 'webhook.kyverno.svc' },
  { name: 'NotBefore/NotAfter are RFC 3339 UTC', expr: '[NotBefore, NotAfter]', want: ['2026-12-06T01:42:27Z', '2036-12-03T01:42:27Z'] },
  { name: 'KeyUsage: DigitalSignature | KeyEncipherment | CertSign', expr: 'KeyUsage', want: 1 | 4 | 32 },
  { name: 'basic constraints', expr: '[BasicConstraintsValid, IsCA, MaxPathLen, MaxPathLenZero]', want: [true, true, 1, false] },
  { name: 'ExtKeyUsage: ServerAuth, ClientAuth; other OIDs are unknown', expr: '[ExtKeyUsage, UnknownExtKeyUsage]', want: [[1, 2], [[1, 2, 3, 4, 5]]] },
  { name: 'SAN DNS names, e-mail addresses and IPs', expr: '[DNSNames, EmailAddresses, IPAddresses]', want: [['webhook.kyverno.svc', 'localhost'], ['ops@example.com'], ['127.0.0.1']] },
  { name: 'SAN URIs as url.URL', expr: 'URIs[0].[Scheme, Host, Path]', want: ['spiffe', 'cluster.local', '/ns/kyverno'] },
  { name: 'SubjectKeyId is base64', expr: 'SubjectKeyId', want: 'Bf7DFPfnXXW2cwsjrlpsKpQLc90=' },
  { name: 'no authority key id in this self-signed certificate', expr: 'AuthorityKeyId', want: null },
  { name: 'authority information access', expr: '[OCSPServer, IssuingCertificateURL]', want: [['http://ocsp.example.com'], ['http://ca.example.com/ca.crt']] },
  { name: 'CRL distribution points', expr: 'CRLDistributionPoints', want: ['http://crl.example.com/ca.crl'] },
  { name: 'policy identifiers', expr: 'PolicyIdentifiers', want: [[2, 23, 140, 1, 2, 1]] },
  { name: 'extensions in certificate order, critical flags kept', expr: 'Extensions[].[Id, Critical]', want: [[[2, 5, 29, 19], true], [[2, 5, 29, 15], true], [[2, 5, 29, 37], false], [[2, 5, 29, 17], false], [[2, 5, 29, 14], false], [[1, 3, 6, 1, 5, 5, 7, 1, 1], false], [[2, 5, 29, 31], false], [[2, 5, 29, 32], false]] },
  { name: 'the basic constraints extension value is its DER, base64', expr: 'Extensions[0].Value', want: 'MAYBAf8CAQE=' },
  { name: 'nil slices are null', expr: '[ExtraExtensions, UnhandledCriticalExtensions, PermittedDNSDomains, ExcludedIPRanges]', want: [null, null, null, null] },
  { name: 'Raw starts with the certificate DER', expr: 'starts_with(Raw, `"MIIEpzCCA4+gAwIBAgIKHy49TFtqeYgHBjANBgkqhkiG9w0BAQsFADBWMQsw"`)', want: true },
];
for (const c of fields) {
  test(`x509_decode: ${c.name}`, () => {
    assert.deepEqual(at(c.expr), c.want);
  });
}

test('x509_decode: Raw is the whole DER (sha256 as openssl x509 -outform der)', () => {
  const digest = createHash('sha256').update(Buffer.from(cert.Raw as string, 'base64')).digest('hex');
  assert.equal(digest, '69298142b450d998c1a0ddf3f93676b7c90db6b22df7a9fd68bc4017b02344d1');
});

test('x509_decode: keys are in encoding/json map order', () => {
  const keys = Object.keys(cert);
  assert.deepEqual(keys, [...keys].sort());
  // Go 1.20's x509.Certificate has 44 exported fields (Policies arrived in Go 1.22).
  assert.equal(keys.length, 44);
});

// testdata/rsa-name-constraints.pem: openssl -sha384, serial 7, CA without a path length, critical name constraints.
const constrained = searchJmespath('x509_decode(@)', pem('rsa-name-constraints.pem')) as Record<string, unknown>;
const constrainedFields: { name: string; expr: string; want: unknown }[] = [
  { name: 'SignatureAlgorithm is Go SHA384WithRSA', expr: 'SignatureAlgorithm', want: 5 },
  { name: 'KeyUsage: CertSign | CRLSign', expr: 'KeyUsage', want: 32 | 64 },
  { name: 'a CA without a path length has MaxPathLen -1', expr: '[IsCA, MaxPathLen, MaxPathLenZero]', want: [true, -1, false] },
  { name: 'AuthorityKeyId is the key identifier, base64', expr: '[AuthorityKeyId, SubjectKeyId]', want: ['YsWXvxyMOhP/cR9dSNGelj2vzfA=', 'YsWXvxyMOhP/cR9dSNGelj2vzfA='] },
  { name: 'permitted DNS domains and their criticality', expr: '[PermittedDNSDomains, PermittedDNSDomainsCritical]', want: [['.cluster.local'], true] },
  { name: 'permitted IP ranges as net.IPNet', expr: 'PermittedIPRanges', want: [{ IP: '10.0.0.0', Mask: '/wAAAA==' }] },
  { name: 'excluded e-mail and URI domains', expr: '[ExcludedEmailAddresses, ExcludedURIDomains, ExcludedDNSDomains]', want: [['example.com'], ['.evil.example'], null] },
  { name: 'handled critical extensions are not listed as unhandled', expr: 'UnhandledCriticalExtensions', want: null },
  { name: 'no extended key usage', expr: '[ExtKeyUsage, UnknownExtKeyUsage]', want: [null, null] },
];
for (const c of constrainedFields) {
  test(`x509_decode (name constraints): ${c.name}`, () => {
    assert.deepEqual(searchJmespath(c.expr, constrained), c.want);
  });
}

const errors = [
  { name: 'text without a PEM block', input: 'not a certificate', message: "JMESPath function 'x509_decode': invalid certificate" },
  // 1.10.7 encodes only RSA certificates; decoding the empty output fails.
  { name: 'an ECDSA certificate (1.10.7 encodes RSA keys only)', input: pem('ecdsa.pem'), message: "JMESPath function 'x509_decode': unexpected end of JSON input" },
  { name: 'a PEM block that is not DER', input: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', message: "JMESPath function 'x509_decode': x509: malformed certificate" },
];
for (const c of errors) {
  test(`x509_decode error: ${c.name}`, () => {
    assert.throws(
      () => searchJmespath('x509_decode(@)', c.input),
      (e: unknown) => e instanceof JmespathError && e.message === c.message,
    );
  });
}
