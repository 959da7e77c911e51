import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { generateCertificates, serviceDnsNames } from './certs.js';

const certs = generateCertificates({ service: 'podgate', namespace: 'podgate-system', extraNames: ['127.0.0.1'], now: new Date('2025-01-01T00:00:00Z') });
const leaf = new X509Certificate(certs.cert);
const ca = new X509Certificate(certs.caCert);

test('the serving certificate is signed by the generated CA', () => {
  assert.equal(leaf.verify(ca.publicKey), true);
  assert.equal(leaf.checkIssued(ca), true);
  assert.equal(ca.ca, true);
  assert.equal(leaf.ca, false);
});

test('the serving certificate names every in-cluster DNS form of the Service, plus extra IPs', () => {
  for (const n of serviceDnsNames('podgate', 'podgate-system')) assert.ok(leaf.checkHost(n), n);
  assert.deepEqual(serviceDnsNames('svc', 'ns'), ['svc', 'svc.ns', 'svc.ns.svc', 'svc.ns.svc.cluster.local']);
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(leaf.checkHost('evil.example.com'), undefined);
});

test('lifetimes follow the clock: CA one year, serving certificate 150 days', () => {
  const days = (c: X509Certificate) => Math.round((Date.parse(c.validTo) - Date.parse('2025-01-01T00:00:00Z')) / 86_400_000);
  assert.equal(days(ca), 365);
  assert.equal(days(leaf), 150);
});

test('the key matches the certificate', () => {
  assert.equal(leaf.checkPrivateKey(createPrivateKey(certs.key)), true);
});
