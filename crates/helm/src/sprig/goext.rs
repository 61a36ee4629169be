//! The certificate extensions and subject of Sprig's templates, laid out as
//! Go's `x509.CreateCertificate` writes them.
//!
//! rcgen writes its extensions in its own order and adds some Go does not:
//! a Subject Key Identifier on every certificate, its own string type for the
//! common name. Go writes key usage, extended key usage, basic constraints,
//! subject key identifier (CA certificates only, the first 160 bits of the
//! SHA-256 of the public key since Go 1.25), authority key identifier (when
//! the issuer has one and is not the subject) and subject alternative names
//! (DNS names before IP addresses), in that order; the common name is a
//! PrintableString when its characters allow, else UTF8String, and is left
//! out when empty. Found by rendering bitnami/nginx and metrics-server with
//! real Helm and comparing the decoded certificates. capstan therefore hands
//! rcgen the extensions ready-made ([`go_layout`]).

use rcgen::{
    CertificateParams, CustomExtension, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa,
    KeyUsagePurpose, SanType,
};
use sha2::Digest as _;

/// Replaces rcgen's extensions in `params` by Go's, for a certificate whose
/// public key (the BIT STRING contents of its SubjectPublicKeyInfo) is
/// `public_key` and whose issuer has the key identifier `authority_key_id`
/// (`None` for a self-signed certificate or an issuer without one).
pub(super) fn go_layout(
    params: &mut CertificateParams,
    public_key: &[u8],
    authority_key_id: Option<Vec<u8>>,
) {
    let subject_empty = go_subject(params);
    let mut exts = Vec::new();
    if !params.key_usages.is_empty() {
        exts.push(ext(&[2, 5, 29, 15], true, key_usage(&params.key_usages)));
    }
    if !params.extended_key_usages.is_empty() {
        let oids: Vec<u8> = params
            .extended_key_usages
            .iter()
            .flat_map(|u| oid(&eku_oid(u)))
            .collect();
        exts.push(ext(&[2, 5, 29, 37], false, tlv(0x30, &oids)));
    }
    let is_ca = matches!(params.is_ca, IsCa::Ca(_));
    // Sprig's templates always have BasicConstraintsValid: CA:TRUE without a
    // path length (MaxPathLen 0 without MaxPathLenZero), or an empty sequence.
    let constraints = if is_ca {
        tlv(0x30, &[0x01, 0x01, 0xff])
    } else {
        tlv(0x30, &[])
    };
    exts.push(ext(&[2, 5, 29, 19], true, constraints));
    if is_ca {
        let digest = sha2::Sha256::digest(public_key);
        exts.push(ext(&[2, 5, 29, 14], false, tlv(0x04, &digest[..20])));
    }
    if let Some(id) = authority_key_id {
        exts.push(ext(&[2, 5, 29, 35], false, tlv(0x30, &tlv(0x80, &id))));
    }
    let sans = std::mem::take(&mut params.subject_alt_names);
    if !sans.is_empty() {
        let mut names = Vec::new();
        for san in sans.iter().filter(|s| matches!(s, SanType::DnsName(_))) {
            if let SanType::DnsName(d) = san {
                names.extend(tlv(0x82, d.as_str().as_bytes()));
            }
        }
        for san in &sans {
            if let SanType::IpAddress(ip) = san {
                let bytes = match ip {
                    std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
                    std::net::IpAddr::V6(v6) => v6.octets().to_vec(),
                };
                names.extend(tlv(0x87, &bytes));
            }
        }
        exts.push(ext(&[2, 5, 29, 17], subject_empty, tlv(0x30, &names)));
    }
    params.key_usages.clear();
    params.extended_key_usages.clear();
    params.is_ca = IsCa::NoCa;
    params.use_authority_key_identifier_extension = false;
    params.custom_extensions = exts;
}

/// The key identifier Go puts in the Authority Key Identifier of a
/// certificate named `cn` signed by the CA certificate `ca_pem`: the CA's
/// Subject Key Identifier, unless it has none or its subject is the very
/// name being issued (Go compares the DER of both names).
pub(super) fn authority_key_id(ca_pem: &str, cn: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let body: String = ca_pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()?;
    let (_, cert) = element(&der)?;
    let (_, tbs) = element(cert.1)?;
    let mut fields = Vec::new();
    let mut rest = tbs.1;
    while !rest.is_empty() {
        let (next, item) = element(rest)?;
        fields.push(item);
        rest = next;
    }
    // version [0] is optional; then serial, signature, issuer, validity, subject.
    let skip = usize::from(fields.first()?.0 == 0xa0);
    let subject = fields.get(skip + 4)?;
    let mut name = CertificateParams::default();
    name.distinguished_name.push(DnType::CommonName, cn);
    go_subject(&mut name);
    if subject.2 == subject_der(&name) {
        return None;
    }
    let (_, exts) = element(fields.iter().find(|f| f.0 == 0xa3)?.1)?;
    let mut rest = exts.1;
    while !rest.is_empty() {
        let (next, ext) = element(rest)?;
        rest = next;
        let (after_oid, id) = element(ext.1)?;
        if id.2 != [0x06, 0x03, 0x55, 0x1d, 0x0e] {
            continue;
        }
        // An optional critical flag, then the OCTET STRING holding the key id.
        let (_, mut value) = element(after_oid)?;
        if value.0 == 0x01 {
            value = element(element(after_oid)?.0)?.1;
        }
        let (_, key_id) = element(value.1)?;
        return (!key_id.1.is_empty()).then(|| key_id.1.to_vec());
    }
    None
}

/// The subject Name of `params` as DER (common name only, as Sprig sets).
fn subject_der(params: &CertificateParams) -> Vec<u8> {
    let mut rdns = Vec::new();
    if let Some(value) = params.distinguished_name.get(&DnType::CommonName) {
        let (tag, text) = match value {
            DnValue::PrintableString(p) => (0x13, p.as_str().to_string()),
            DnValue::Utf8String(u) => (0x0c, u.clone()),
            _ => (0x0c, String::new()),
        };
        let mut atv = oid(&[2, 5, 4, 3]);
        atv.extend(tlv(tag, text.as_bytes()));
        rdns.extend(tlv(0x31, &tlv(0x30, &atv)));
    }
    tlv(0x30, &rdns)
}

/// One DER element of `b`: the bytes after it, and (tag, contents, whole).
type Element<'a> = (u8, &'a [u8], &'a [u8]);

fn element(b: &[u8]) -> Option<(&[u8], Element<'_>)> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = b
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, x| acc << 8 | usize::from(*x));
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let whole = b.get(..end)?;
    Some((&b[end..], (tag, &whole[header..], whole)))
}

/// Go's subject for Sprig's name (a common name only): PrintableString when
/// encoding/asn1 allows it, UTF8String otherwise, nothing when empty.
/// Returns whether the subject is empty.
fn go_subject(params: &mut CertificateParams) -> bool {
    let cn = match params.distinguished_name.get(&DnType::CommonName) {
        Some(DnValue::Utf8String(s)) => s.clone(),
        Some(_) | None => return params.distinguished_name.iter().next().is_none(),
    };
    params.distinguished_name.remove(DnType::CommonName);
    if cn.is_empty() {
        return params.distinguished_name.iter().next().is_none();
    }
    let value = match rcgen::string::PrintableString::try_from(cn.as_str()) {
        Ok(p) => DnValue::PrintableString(p),
        Err(_) => DnValue::Utf8String(cn),
    };
    params.distinguished_name.push(DnType::CommonName, value);
    false
}

/// The KeyUsage BIT STRING as Go marshals it: bit 0 is digitalSignature,
/// trailing zero bits are not written.
fn key_usage(usages: &[KeyUsagePurpose]) -> Vec<u8> {
    let mut flags: u16 = 0;
    for u in usages {
        let bit = match u {
            KeyUsagePurpose::DigitalSignature => 0,
            KeyUsagePurpose::ContentCommitment => 1,
            KeyUsagePurpose::KeyEncipherment => 2,
            KeyUsagePurpose::DataEncipherment => 3,
            KeyUsagePurpose::KeyAgreement => 4,
            KeyUsagePurpose::KeyCertSign => 5,
            KeyUsagePurpose::CrlSign => 6,
            KeyUsagePurpose::EncipherOnly => 7,
            KeyUsagePurpose::DecipherOnly => 8,
        };
        flags |= 0x8000 >> bit;
    }
    let bits = 16 - flags.trailing_zeros() as usize;
    let bytes = bits.div_ceil(8);
    let mut body = vec![(bytes * 8 - bits) as u8];
    body.extend_from_slice(&flags.to_be_bytes()[..bytes]);
    tlv(0x03, &body)
}

fn eku_oid(u: &ExtendedKeyUsagePurpose) -> Vec<u64> {
    let kp = |n: u64| vec![1, 3, 6, 1, 5, 5, 7, 3, n];
    match u {
        ExtendedKeyUsagePurpose::Any => vec![2, 5, 29, 37, 0],
        ExtendedKeyUsagePurpose::ServerAuth => kp(1),
        ExtendedKeyUsagePurpose::ClientAuth => kp(2),
        ExtendedKeyUsagePurpose::CodeSigning => kp(3),
        ExtendedKeyUsagePurpose::EmailProtection => kp(4),
        ExtendedKeyUsagePurpose::TimeStamping => kp(8),
        ExtendedKeyUsagePurpose::OcspSigning => kp(9),
        ExtendedKeyUsagePurpose::Other(v) => v.clone(),
    }
}

fn ext(oid_parts: &[u64], critical: bool, der: Vec<u8>) -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(oid_parts, der);
    e.set_criticality(critical);
    e
}

/// An OBJECT IDENTIFIER element.
fn oid(parts: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let first = parts.first().copied().unwrap_or(0) * 40 + parts.get(1).copied().unwrap_or(0);
    for n in std::iter::once(first).chain(parts.iter().skip(2).copied()) {
        let mut chunk = vec![(n & 0x7f) as u8];
        let mut rest = n >> 7;
        while rest > 0 {
            chunk.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        body.extend(chunk.iter().rev());
    }
    tlv(0x06, &body)
}

/// One DER element with a definite length.
fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    if body.len() < 0x80 {
        out.push(body.len() as u8);
    } else {
        let len = body.len().to_be_bytes();
        let skip = len.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (len.len() - skip) as u8);
        out.extend_from_slice(&len[skip..]);
    }
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::super::testing::call;
    use super::*;
    use capstan_gotmpl::Value;

    /// The tbsCertificate fields of a generated certificate's PEM.
    fn tbs_fields(cert: &Value) -> Vec<Vec<u8>> {
        use base64::Engine as _;
        let Value::Object(o) = cert else {
            panic!("{cert:?}")
        };
        let pem = o.field("Cert").unwrap().as_str().unwrap().to_string();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let (_, c) = element(&der).unwrap();
        let (_, tbs) = element(c.1).unwrap();
        let mut out = Vec::new();
        let mut rest = tbs.1;
        while !rest.is_empty() {
            let (next, f) = element(rest).unwrap();
            out.push(f.2.to_vec());
            rest = next;
        }
        out
    }

    /// (extension OID bytes, critical, value) in certificate order.
    fn extensions(fields: &[Vec<u8>]) -> Vec<(Vec<u8>, bool, Vec<u8>)> {
        let exts = fields.iter().find(|f| f[0] == 0xa3).unwrap();
        let (_, seq) = element(element(exts).unwrap().1.1).unwrap();
        let mut out = Vec::new();
        let mut rest = seq.1;
        while !rest.is_empty() {
            let (next, e) = element(rest).unwrap();
            rest = next;
            let (after, id) = element(e.1).unwrap();
            let (after2, v) = element(after).unwrap();
            let (critical, value) = if v.0 == 0x01 {
                (true, element(after2).unwrap().1.1.to_vec())
            } else {
                (false, v.1.to_vec())
            };
            out.push((id.1.to_vec(), critical, value));
        }
        out
    }

    #[test]
    fn certificates_have_gos_extension_layout() {
        let s = |x: &str| Value::from(x);
        let ca = call("genCA", &[s("my-ca"), Value::Int(365)]).unwrap();
        let ca_fields = tbs_fields(&ca);
        // The subject (after version, serial, signature, issuer, validity) is
        // a PrintableString common name.
        assert_eq!(ca_fields[5], subject_der_of("my-ca"));
        assert_eq!(ca_fields[5][11], 0x13);
        let ca_ext = extensions(&ca_fields);
        let ids: Vec<u8> = ca_ext.iter().map(|e| e.0[2]).collect();
        // key usage, basic constraints... as Go orders them: 15, 37, 19, 14.
        assert_eq!(ids, [15, 37, 19, 14]);
        assert_eq!(ca_ext[0].2, [0x03, 0x02, 0x02, 0xa4]);
        assert!(ca_ext[0].1 && !ca_ext[1].1 && ca_ext[2].1);
        assert_eq!(ca_ext[2].2, [0x30, 0x03, 0x01, 0x01, 0xff]);
        let ca_key_id = ca_ext[3].2[2..].to_vec();
        assert_eq!(ca_key_id.len(), 20);

        let ips = Value::list(vec![s("10.0.0.1")]);
        let dns = Value::list(vec![s("a.example"), s("b")]);
        let leaf = call("genSignedCert", &[s("svc é"), ips, dns, Value::Int(1), ca]).unwrap();
        let leaf_fields = tbs_fields(&leaf);
        assert_eq!(leaf_fields[5][11], 0x0c, "non-printable name: UTF8String");
        let leaf_ext = extensions(&leaf_fields);
        let ids: Vec<u8> = leaf_ext.iter().map(|e| e.0[2]).collect();
        assert_eq!(ids, [15, 37, 19, 35, 17], "no subject key id on a leaf");
        assert_eq!(leaf_ext[0].2, [0x03, 0x02, 0x05, 0xa0]);
        assert_eq!(leaf_ext[2].2, [0x30, 0x00]);
        assert_eq!(leaf_ext[3].2[4..], ca_key_id[..]);
        let mut san = tlv(0x82, b"a.example");
        san.extend(tlv(0x82, b"b"));
        san.extend(tlv(0x87, &[10, 0, 0, 1]));
        assert_eq!(leaf_ext[4].2, tlv(0x30, &san), "DNS names before IPs");

        let own = call(
            "genSelfSignedCert",
            &[s(""), Value::Nil, Value::Nil, Value::Int(1)],
        );
        let own_fields = tbs_fields(&own.unwrap());
        assert_eq!(own_fields[5], [0x30, 0x00], "empty name: empty subject");
        let ids: Vec<u8> = extensions(&own_fields).iter().map(|e| e.0[2]).collect();
        assert_eq!(ids, [15, 37, 19]);
    }

    fn subject_der_of(cn: &str) -> Vec<u8> {
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, cn);
        go_subject(&mut p);
        subject_der(&p)
    }

    #[test]
    fn der_pieces_as_go_writes_them() {
        let leaf = [
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::DigitalSignature,
        ];
        assert_eq!(key_usage(&leaf), [0x03, 0x02, 0x05, 0xa0]);
        let ca = [leaf[0], leaf[1], KeyUsagePurpose::KeyCertSign];
        assert_eq!(key_usage(&ca), [0x03, 0x02, 0x02, 0xa4]);
        assert_eq!(
            key_usage(&[KeyUsagePurpose::DecipherOnly]),
            [0x03, 0x03, 0x07, 0x00, 0x80]
        );
        assert_eq!(
            oid(&eku_oid(&ExtendedKeyUsagePurpose::ServerAuth)),
            [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]
        );
        assert_eq!(
            oid(&[1, 2, 840, 113549]),
            [0x06, 0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]
        );
        assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
    }
}
