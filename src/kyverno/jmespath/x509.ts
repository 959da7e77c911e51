// x509_decode: a PEM certificate as the JSON Go's encoding/json makes of an x509.Certificate, decoded back into
// a map as kyverno@v1.10.7 pkg/engine/jmespath/functions.go (jpX509Decode) does. The DER structure is read
// with node-forge's ASN.1 parser; the field set, values and enum numbers are Go's (crypto/x509, Go 1.20):
// byte slices are base64 strings, OIDs are integer arrays, times are RFC 3339 in UTC, a nil slice is null.
// 1.10.7 replaces an RSA public key with {N: decimal string, E: exponent} and encodes nothing for other key
// types, so decoding their (empty) output fails with "unexpected end of JSON input".
import forge from 'node-forge';
import { functionError } from './errors.js';

type Asn1 = forge.asn1.Asn1;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const { Class, Type } = forge.asn1;

class CertError extends Error {}

function children(n: Asn1 | undefined, what: string): Asn1[] {
  if (!n || !Array.isArray(n.value)) throw new CertError(`x509: malformed ${what}`);
  return n.value;
}

function bytes(n: Asn1 | undefined, what: string): string {
  if (!n || typeof n.value !== 'string') throw new CertError(`x509: malformed ${what}`);
  return n.value;
}

function der(n: Asn1): string {
  return forge.asn1.toDer(n).getBytes();
}

function b64(binary: string | undefined): string | null {
  return binary === undefined ? null : forge.util.encode64(binary);
}

function oid(n: Asn1 | undefined, what: string): string {
  if (!n || n.tagClass !== Class.UNIVERSAL || n.type !== Type.OID) throw new CertError(`x509: malformed ${what}`);
  return forge.asn1.derToOid(bytes(n, what));
}

function oidInts(dotted: string): number[] {
  return dotted.split('.').map(Number);
}

function bigInt(binary: string): bigint {
  if (binary.length === 0) return 0n;
  let v = BigInt(`0x${forge.util.bytesToHex(binary)}`);
  // Two's complement: a leading 1 bit is negative.
  if (binary.charCodeAt(0) & 0x80) v -= 1n << BigInt(binary.length * 8);
  return v;
}

// crypto/x509 SignatureAlgorithm values by OID (RSASSA-PSS is decided by its hash parameter below).
const SIGNATURE_ALGORITHMS: Readonly<Record<string, number>> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};
const PSS = '1.2.840.113549.1.1.10';
const PSS_BY_HASH: Readonly<Record<string, number>> = { '2.16.840.1.101.3.4.2.1': 13, '2.16.840.1.101.3.4.2.2': 14, '2.16.840.1.101.3.4.2.3': 15 };

// crypto/x509 PublicKeyAlgorithm values by OID.
const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, number>> = { '1.2.840.113549.1.1.1': 1, '1.2.840.10040.4.1': 2, '1.2.840.10045.2.1': 3, '1.3.101.112': 4 };

// crypto/x509 ExtKeyUsage values by OID.
const EXT_KEY_USAGES: Readonly<Record<string, number>> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

function signatureAlgorithm(ai: Asn1): number {
  const [algo, params] = children(ai, 'signature algorithm');
  const id = oid(algo, 'signature algorithm');
  if (id !== PSS) return SIGNATURE_ALGORITHMS[id] ?? 0;
  // RSASSA-PSS-params: [0] hashAlgorithm (SHA-1 when absent, which Go does not support).
  const hash = params && Array.isArray(params.value) ? params.value.find((p) => p.tagClass === Class.CONTEXT_SPECIFIC && p.type === 0) : undefined;
  const hashOid = hash ? oid(children(children(hash, 'PSS parameters')[0], 'PSS parameters')[0], 'PSS parameters') : '';
  return PSS_BY_HASH[hashOid] ?? 0;
}

// pkix.Name.FillFromRDNSequence: every attribute in Names; string values of the known types also in their field.
const NAME_FIELDS: Readonly<Record<string, string>> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

// Universal tags node-forge's typings do not name.
const NUMERIC_STRING = 18 as forge.asn1.Type;
const T61_STRING = 20 as forge.asn1.Type;

function attributeValue(n: Asn1): Json {
  if (n.tagClass !== Class.UNIVERSAL || typeof n.value !== 'string') return null;
  switch (n.type) {
    case Type.UTF8:
      return forge.util.decodeUtf8(n.value);
    case Type.BMPSTRING: {
      let s = '';
      for (let i = 0; i + 1 < n.value.length; i += 2) s += String.fromCharCode((n.value.charCodeAt(i) << 8) | n.value.charCodeAt(i + 1));
      return s;
    }
    case Type.PRINTABLESTRING:
    case Type.IA5STRING:
    case NUMERIC_STRING:
    case T61_STRING:
      return n.value;
    default:
      return null;
  }
}

function pkixName(n: Asn1): Json {
  const lists: Record<string, string[]> = {};
  let serialNumber = '';
  let commonName = '';
  const names: Json[] = [];
  for (const rdn of children(n, 'name')) {
    for (const atv of children(rdn, 'name')) {
      const [type, value] = children(atv, 'name');
      const id = oid(type, 'name');
      const v = value ? attributeValue(value) : null;
      names.push({ Type: oidInts(id), Value: v });
      if (typeof v !== 'string') continue;
      const field = NAME_FIELDS[id];
      if (field) lists[field] = [...(lists[field] ?? []), v];
      else if (id === '2.5.4.3') commonName = v;
      else if (id === '2.5.4.5') serialNumber = v;
    }
  }
  const list = (f: string) => lists[f] ?? null;
  return {
    CommonName: commonName,
    Country: list('Country'),
    ExtraNames: null,
    Locality: list('Locality'),
    Names: names.length > 0 ? names : null,
    Organization: list('Organization'),
    OrganizationalUnit: list('OrganizationalUnit'),
    PostalCode: list('PostalCode'),
    Province: list('Province'),
    SerialNumber: serialNumber,
    StreetAddress: list('StreetAddress'),
  };
}

/** UTCTime or GeneralizedTime as Go's time.Time MarshalJSON writes a UTC time (RFC 3339, fraction trimmed). */
function goTime(n: Asn1 | undefined): string {
  const s = bytes(n, 'validity');
  const m = n?.type === Type.UTCTIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(s);
  if (!m) throw new CertError('x509: malformed validity');
  let year = m[1] ?? '';
  if (year.length === 2) year = `${Number(year) < 50 ? '20' : '19'}${year}`;
  const frac = (m[7] ?? '').replace(/0+$/, '');
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac ? `.${frac}` : ''}Z`;
}

/** The fields crypto/x509 fills from extensions (only those podgate reads; the others keep Go's zero values). */
interface ExtensionFields {
  KeyUsage: number;
  BasicConstraintsValid: boolean;
  IsCA: boolean;
  MaxPathLen: number;
  MaxPathLenZero: boolean;
  DNSNames: string[] | null;
  EmailAddresses: string[] | null;
  IPAddresses: string[] | null;
  URIs: Json[] | null;
  ExtKeyUsage: number[] | null;
  UnknownExtKeyUsage: number[][] | null;
  SubjectKeyId: string | null;
  AuthorityKeyId: string | null;
  OCSPServer: string[] | null;
  IssuingCertificateURL: string[] | null;
  CRLDistributionPoints: string[] | null;
  PolicyIdentifiers: number[][] | null;
  UnhandledCriticalExtensions: number[][] | null;
  PermittedDNSDomainsCritical: boolean;
  PermittedDNSDomains: string[] | null;
  ExcludedDNSDomains: string[] | null;
  PermittedIPRanges: Json[] | null;
  ExcludedIPRanges: Json[] | null;
  PermittedEmailAddresses: string[] | null;
  ExcludedEmailAddresses: string[] | null;
  PermittedURIDomains: string[] | null;
  ExcludedURIDomains: string[] | null;
}

function push<T>(list: T[] | null, v: T): T[] {
  return list ? [...list, v] : [v];
}

function ipString(raw: string): string {
  if (raw.length === 4) return [...raw].map((c) => c.charCodeAt(0)).join('.');
  if (raw.length !== 16) return `?${forge.util.bytesToHex(raw)}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
  // An IPv4-mapped address prints as IPv4, as Go's net.IP does.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return [...raw.slice(12)].map((c) => c.charCodeAt(0)).join('.');
  // The longest run of two or more zero groups becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A URI as Go's url.URL marshals (its exported fields; User is a pointer to a struct without exported fields). */
function goUrl(text: string): Json {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(text);
  const scheme = (m?.[1] ?? '').toLowerCase();
  const authority = m?.[2];
  const at = authority?.lastIndexOf('@') ?? -1;
  const rest = m?.[3] ?? '';
  const opaque = scheme !== '' && authority === undefined && !rest.startsWith('/');
  return {
    Scheme: scheme,
    Opaque: opaque ? rest : '',
    User: at >= 0 ? {} : null,
    Host: authority === undefined ? '' : authority.slice(at + 1),
    Path: opaque ? '' : decodeURIComponentSafe(rest),
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: m?.[4] ?? '',
    Fragment: decodeURIComponentSafe(m?.[5] ?? ''),
    RawFragment: '',
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** GeneralNames (SAN, CRL distribution points, AIA locations) as Go reads them: tags 1 (email), 2 (DNS), 6 (URI), 7 (IP). */
function generalNames(list: readonly Asn1[], out: ExtensionFields, uris: (u: string) => void): void {
  for (const g of list) {
    if (g.tagClass !== Class.CONTEXT_SPECIFIC || typeof g.value !== 'string') continue;
    if (g.type === 1) out.EmailAddresses = push(out.EmailAddresses, g.value);
    else if (g.type === 2) out.DNSNames = push(out.DNSNames, g.value);
    else if (g.type === 6) uris(g.value);
    else if (g.type === 7) out.IPAddresses = push(out.IPAddresses, ipString(g.value));
  }
}

/**
 * NameConstraints ([0] permitted, [1] excluded subtrees) as Go fills them: dNSName, rfc822Name and URI bases
 * as strings, iPAddress bases (address then mask) as net.IPNet {IP, Mask}.
 */
function nameConstraints(subtrees: readonly Asn1[], critical: boolean, out: ExtensionFields): void {
  out.PermittedDNSDomainsCritical = critical;
  for (const t of subtrees) {
    if (t.tagClass !== Class.CONTEXT_SPECIFIC || (t.type !== 0 && t.type !== 1) || !Array.isArray(t.value)) continue;
    const permitted = t.type === 0;
    for (const subtree of t.value) {
      const base = children(subtree, 'name constraints')[0];
      if (!base || base.tagClass !== Class.CONTEXT_SPECIFIC || typeof base.value !== 'string') continue;
      const v = base.value;
      if (base.type === 2) {
        if (permitted) out.PermittedDNSDomains = push(out.PermittedDNSDomains, v);
        else out.ExcludedDNSDomains = push(out.ExcludedDNSDomains, v);
      } else if (base.type === 1) {
        if (permitted) out.PermittedEmailAddresses = push(out.PermittedEmailAddresses, v);
        else out.ExcludedEmailAddresses = push(out.ExcludedEmailAddresses, v);
      } else if (base.type === 6) {
        if (permitted) out.PermittedURIDomains = push(out.PermittedURIDomains, v);
        else out.ExcludedURIDomains = push(out.ExcludedURIDomains, v);
      } else if (base.type === 7 && (v.length === 8 || v.length === 32)) {
        const half = v.length / 2;
        const net: Json = { IP: ipString(v.slice(0, half)), Mask: b64(v.slice(half)) };
        if (permitted) out.PermittedIPRanges = push(out.PermittedIPRanges, net);
        else out.ExcludedIPRanges = push(out.ExcludedIPRanges, net);
      }
    }
  }
}

function bitStringBytes(n: Asn1 | undefined, what: string): string {
  const b = bytes(n, what);
  return b.slice(1);
}

const HANDLED = new Set(['2.5.29.15', '2.5.29.19', '2.5.29.17', '2.5.29.37', '2.5.29.14', '2.5.29.35', '2.5.29.30', '2.5.29.31', '2.5.29.32', '1.3.6.1.5.5.7.1.1']);

function readExtensions(list: readonly Asn1[], extensionsJson: Json[]): ExtensionFields {
  const out: ExtensionFields = {
    KeyUsage: 0,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    UnhandledCriticalExtensions: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
  };
  for (const ext of list) {
    const parts = children(ext, 'extension');
    const id = oid(parts[0], 'extension');
    const critical = parts.length === 3 && parts[1]?.type === Type.BOOLEAN && bytes(parts[1], 'extension') !== '\x00';
    const value = bytes(parts[parts.length - 1], 'extension');
    extensionsJson.push({ Critical: critical, Id: oidInts(id), Value: b64(value) });
    if (critical && !HANDLED.has(id)) out.UnhandledCriticalExtensions = push(out.UnhandledCriticalExtensions, oidInts(id));
    const body = HANDLED.has(id) ? fromDer(value) : undefined;
    switch (id) {
      case '2.5.29.15': {
        // KeyUsage: bit i of the BIT STRING (most significant bit first) is usage 1 << i.
        const bits = bitStringBytes(body, 'key usage');
        let usage = 0;
        for (let i = 0; i < 9 && i < bits.length * 8; i++) if (bits.charCodeAt(i >> 3) & (0x80 >> (i & 7))) usage |= 1 << i;
        out.KeyUsage = usage;
        break;
      }
      case '2.5.29.19': {
        out.BasicConstraintsValid = true;
        out.MaxPathLen = -1;
        for (const c of children(body, 'basic constraints')) {
          if (c.type === Type.BOOLEAN) out.IsCA = bytes(c, 'basic constraints') !== '\x00';
          else if (c.type === Type.INTEGER) out.MaxPathLen = Number(bigInt(bytes(c, 'basic constraints')));
        }
        out.MaxPathLenZero = out.MaxPathLen === 0;
        break;
      }
      case '2.5.29.17':
        generalNames(children(body, 'SAN'), out, (u) => {
          out.URIs = push(out.URIs, goUrl(u));
        });
        break;
      case '2.5.29.37':
        for (const c of children(body, 'extended key usage')) {
          const usage = oid(c, 'extended key usage');
          const known = EXT_KEY_USAGES[usage];
          if (known !== undefined) out.ExtKeyUsage = push(out.ExtKeyUsage, known);
          else out.UnknownExtKeyUsage = push(out.UnknownExtKeyUsage, oidInts(usage));
        }
        break;
      case '2.5.29.14':
        out.SubjectKeyId = b64(bytes(body, 'subject key identifier'));
        break;
      case '2.5.29.35': {
        const keyId = children(body, 'authority key identifier').find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 0);
        if (keyId) out.AuthorityKeyId = b64(bytes(keyId, 'authority key identifier'));
        break;
      }
      case '1.3.6.1.5.5.7.1.1':
        for (const ad of children(body, 'authority info access')) {
          const [method, location] = children(ad, 'authority info access');
          if (!location || location.tagClass !== Class.CONTEXT_SPECIFIC || location.type !== 6 || typeof location.value !== 'string') continue;
          const m = oid(method, 'authority info access');
          if (m === '1.3.6.1.5.5.7.48.1') out.OCSPServer = push(out.OCSPServer, location.value);
          else if (m === '1.3.6.1.5.5.7.48.2') out.IssuingCertificateURL = push(out.IssuingCertificateURL, location.value);
        }
        break;
      case '2.5.29.31':
        for (const dp of children(body, 'CRL distribution points')) {
          const name = children(dp, 'CRL distribution points').find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 0);
          const full = name && Array.isArray(name.value) ? name.value.find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 0) : undefined;
          if (full && Array.isArray(full.value)) {
            for (const g of full.value) {
              if (g.tagClass === Class.CONTEXT_SPECIFIC && g.type === 6 && typeof g.value === 'string') out.CRLDistributionPoints = push(out.CRLDistributionPoints, g.value);
            }
          }
        }
        break;
      case '2.5.29.30':
        nameConstraints(children(body, 'name constraints'), critical, out);
        break;
      case '2.5.29.32':
        for (const p of children(body, 'certificate policies')) out.PolicyIdentifiers = push(out.PolicyIdentifiers, oidInts(oid(children(p, 'certificate policies')[0], 'certificate policies')));
        break;
      default:
        break;
    }
  }
  return out;
}

/** Maps with their keys in byte order, as encoding/json writes a map[string]interface{}. */
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: { [k: string]: Json } = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k] as Json);
  return out;
}

function fromDer(binary: string): Asn1 {
  try {
    // decodeBitStrings off: BIT STRING values stay raw (unused-bits byte first).
    return (forge.asn1.fromDer as unknown as (b: string, o: object) => Asn1)(binary, { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch {
    throw new CertError('x509: malformed certificate');
  }
}

/** The RSA public key of a SubjectPublicKeyInfo, as 1.10.7 substitutes it: {N: decimal string, E: number}. */
function rsaPublicKey(spki: Asn1): Json {
  const [, key] = children(spki, 'public key');
  const [n, e] = children(fromDer(bitStringBytes(key, 'public key')), 'public key');
  return { E: Number(bigInt(bytes(e, 'public key'))), N: bigInt(bytes(n, 'public key')).toString() };
}

/** Decodes one PEM certificate into Go's x509.Certificate JSON shape (keys in encoding/json map order). */
export function decodeCertificate(pemText: string): Json {
  let blocks: forge.pem.ObjectPEM[];
  try {
    blocks = forge.pem.decode(pemText);
  } catch {
    blocks = [];
  }
  const block = blocks[0];
  if (!block) throw functionError('x509_decode', 'invalid certificate');
  try {
    const cert = fromDer(block.body);
    const [tbs, sigAI, sigValue] = children(cert, 'certificate');
    if (!tbs || !sigAI || !sigValue) throw new CertError('x509: malformed certificate');
    const fields = children(tbs, 'tbs certificate');
    let i = 0;
    let version = 1;
    const first = fields[0];
    if (first && first.tagClass === Class.CONTEXT_SPECIFIC && first.type === 0) {
      version = Number(bigInt(bytes(children(first, 'version')[0], 'version'))) + 1;
      i++;
    }
    const serial = fields[i++];
    i++; // the inner signature algorithm
    const issuer = fields[i++];
    const validity = fields[i++];
    const subject = fields[i++];
    const spki = fields[i++];
    if (!serial || !issuer || !validity || !subject || !spki) throw new CertError('x509: malformed tbs certificate');
    const extensionsJson: Json[] = [];
    const explicit = fields.slice(i).find((f) => f.tagClass === Class.CONTEXT_SPECIFIC && f.type === 3);
    const ext = readExtensions(explicit ? children(children(explicit, 'extensions')[0], 'extensions') : [], extensionsJson);
    const [notBefore, notAfter] = children(validity, 'validity');
    const keyAlgorithm = PUBLIC_KEY_ALGORITHMS[oid(children(children(spki, 'public key')[0], 'public key')[0], 'public key')] ?? 0;
    // 1.10.7 encodes the certificate only for RSA keys; json.Unmarshal of the empty buffer then fails.
    if (keyAlgorithm !== 1) throw functionError('x509_decode', 'unexpected end of JSON input');
    const out: Record<string, Json> = {
      AuthorityKeyId: ext.AuthorityKeyId,
      BasicConstraintsValid: ext.BasicConstraintsValid,
      CRLDistributionPoints: ext.CRLDistributionPoints,
      DNSNames: ext.DNSNames,
      EmailAddresses: ext.EmailAddresses,
      ExcludedDNSDomains: ext.ExcludedDNSDomains,
      ExcludedEmailAddresses: ext.ExcludedEmailAddresses,
      ExcludedIPRanges: ext.ExcludedIPRanges,
      ExcludedURIDomains: ext.ExcludedURIDomains,
      ExtKeyUsage: ext.ExtKeyUsage,
      Extensions: extensionsJson.length > 0 ? extensionsJson : null,
      ExtraExtensions: null,
      IPAddresses: ext.IPAddresses,
      IsCA: ext.IsCA,
      Issuer: pkixName(issuer),
      IssuingCertificateURL: ext.IssuingCertificateURL,
      KeyUsage: ext.KeyUsage,
      MaxPathLen: ext.MaxPathLen,
      MaxPathLenZero: ext.MaxPathLenZero,
      NotAfter: goTime(notAfter),
      NotBefore: goTime(notBefore),
      OCSPServer: ext.OCSPServer,
      PermittedDNSDomains: ext.PermittedDNSDomains,
      PermittedDNSDomainsCritical: ext.PermittedDNSDomainsCritical,
      PermittedEmailAddresses: ext.PermittedEmailAddresses,
      PermittedIPRanges: ext.PermittedIPRanges,
      PermittedURIDomains: ext.PermittedURIDomains,
      PolicyIdentifiers: ext.PolicyIdentifiers,
      PublicKey: rsaPublicKey(spki),
      PublicKeyAlgorithm: keyAlgorithm,
      Raw: b64(block.body),
      RawIssuer: b64(der(issuer)),
      RawSubject: b64(der(subject)),
      RawSubjectPublicKeyInfo: b64(der(spki)),
      RawTBSCertificate: b64(der(tbs)),
      // A *big.Int is a JSON number; decoding it into interface{} makes it a float64, as here.
      SerialNumber: Number(bigInt(bytes(serial, 'serial number'))),
      Signature: b64(bitStringBytes(sigValue, 'signature')),
      SignatureAlgorithm: signatureAlgorithm(sigAI),
      Subject: pkixName(subject),
      SubjectKeyId: ext.SubjectKeyId,
      URIs: ext.URIs,
      UnhandledCriticalExtensions: ext.UnhandledCriticalExtensions,
      UnknownExtKeyUsage: ext.UnknownExtKeyUsage,
      Version: version,
    };
    return sortKeys(out);
  } catch (err) {
    if (err instanceof CertError) throw functionError('x509_decode', err.message);
    throw err;
  }
}
