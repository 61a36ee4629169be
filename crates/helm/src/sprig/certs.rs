//! Sprig's key and certificate generators: `genPrivateKey`, `genCA`,
//! `genSelfSignedCert`, `genSignedCert`, their `WithKey` forms and
//! `buildCustomCert`. Keys are RSA 2048 for certificates (4096 for
//! `genPrivateKey "rsa"`), PKCS#1 PEM as Go writes them (ECDSA keys in
//! SEC 1, Ed25519 in PKCS#8, as Go); certificates follow
//! Sprig's template (random 128-bit serial, valid from now for `daysValid`
//! days, digital signature + key encipherment, server and client auth, CA
//! certificates may sign). The result is Sprig's `certificate` struct with
//! `.Cert` and `.Key`.
//!
//! The values are random, so tests check their structure, not their bytes.

use std::sync::Arc;

use capstan_gotmpl::{FuncError, Object, Value};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SerialNumber,
};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::EncodePrivateKey;

use super::{ANY, INT, Registry, STR, arg, arg_int, arg_str, fail, goext};

pub(super) fn register(r: &mut Registry) {
    r.fixed("genPrivateKey", &[STR], |a| {
        Ok(Value::from(gen_private_key(arg_str(a, 0))))
    });
    r.fixed("genCA", &[STR, INT], |a| {
        let key = new_rsa_key(2048)?;
        gen_ca(arg_str(a, 0), arg_int(a, 1), key)
    });
    r.fixed("genCAWithKey", &[STR, INT, STR], |a| {
        let key = parse_key(arg_str(a, 2))?;
        gen_ca(arg_str(a, 0), arg_int(a, 1), key)
    });
    r.fixed("genSelfSignedCert", &[STR, ANY, ANY, INT], |a| {
        let key = new_rsa_key(2048)?;
        gen_self_signed(a, key)
    });
    r.fixed(
        "genSelfSignedCertWithKey",
        &[STR, ANY, ANY, INT, STR],
        |a| {
            let key = parse_key(arg_str(a, 4))?;
            gen_self_signed(a, key)
        },
    );
    r.fixed("genSignedCert", &[STR, ANY, ANY, INT, ANY], |a| {
        let key = new_rsa_key(2048)?;
        gen_signed(a, key)
    });
    r.fixed(
        "genSignedCertWithKey",
        &[STR, ANY, ANY, INT, ANY, STR],
        |a| {
            let key = parse_key(arg_str(a, 5))?;
            gen_signed(a, key)
        },
    );
    r.fixed("buildCustomCert", &[STR, STR], |a| {
        build_custom(arg_str(a, 0), arg_str(a, 1))
    });
}

/// Sprig's `certificate` struct.
#[derive(Debug)]
pub(crate) struct Certificate {
    cert: String,
    key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }

    fn go_format(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }
}

/// A private key as the template passed it, ready for rcgen.
struct Key {
    /// PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 PEM, as Sprig prints it.
    pem: String,
    pair: KeyPair,
}

fn new_rsa_key(bits: usize) -> Result<Key, FuncError> {
    let key = rsa::PrivateKey::new(&mut rand::rng(), bits)
        .map_err(|e| fail(format!("failed to generate private key: {e}")))?;
    rsa_key(&key)
}

fn rsa_key(key: &rsa::PrivateKey) -> Result<Key, FuncError> {
    let pem = key
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .map_err(|e| fail(format!("error pem-encoding key: {e}")))?
        .to_string();
    let pkcs8 = key
        .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
        .map_err(|e| fail(format!("error pem-encoding key: {e}")))?;
    let pair = KeyPair::from_pem_and_sign_algo(&pkcs8, &rcgen::PKCS_RSA_SHA256)
        .map_err(|e| fail(format!("error creating certificate: {e}")))?;
    Ok(Key { pem, pair })
}

/// Sprig's `parsePrivateKeyPEM`: PKCS#1 RSA, PKCS#8, or an EC key.
fn parse_key(pem: &str) -> Result<Key, FuncError> {
    let bad = |e: String| fail(format!("error parsing private key: {e}"));
    if pem.contains("BEGIN RSA PRIVATE KEY") {
        let key = rsa::PrivateKey::from_pkcs1_pem(pem).map_err(|e| bad(e.to_string()))?;
        return rsa_key(&key);
    }
    if pem.contains("BEGIN EC PRIVATE KEY") {
        let pkcs8 =
            sec1_to_pkcs8(pem).ok_or_else(|| bad("x509: failed to parse EC private key".into()))?;
        let pair =
            KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.into(), &rcgen::PKCS_ECDSA_P256_SHA256)
                .map_err(|e| bad(e.to_string()))?;
        return Ok(Key {
            pem: pem.to_string(),
            pair,
        });
    }
    let pair = KeyPair::from_pem(pem).map_err(|e| bad(e.to_string()))?;
    Ok(Key {
        pem: pem.to_string(),
        pair,
    })
}

/// A SEC 1 `EC PRIVATE KEY` (P-256) rewrapped as PKCS#8 DER for rcgen.
fn sec1_to_pkcs8(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let ((_, _, ec), _) = der_next(&der)?;
    let fields = der_children(ec)?;
    let wrap = |body: Vec<u8>, tag: u8| {
        let mut out = vec![tag];
        out.extend(der_len(body.len()));
        out.extend(body);
        out
    };
    // The inner key without the curve name, which PKCS#8 carries itself.
    let mut inner = Vec::new();
    for f in fields.iter().filter(|f| f.0 != 0xa0) {
        inner.extend_from_slice(f.1);
    }
    let inner = wrap(inner, 0x30);
    const ALG: [u8; 21] = [
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
        0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(&ALG);
    body.extend(wrap(inner, 0x04));
    Some(wrap(body, 0x30))
}

/// `genPrivateKey TYPE`: "" or "rsa" (4096 bits), "ecdsa" (P-256),
/// "ed25519"; DSA is not supported here.
fn gen_private_key(kind: &str) -> String {
    let generated = match kind {
        "" | "rsa" => return new_rsa_key(4096).map_or_else(|e| e.message().to_string(), |k| k.pem),
        "ecdsa" => {
            return KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
                .ok()
                .and_then(|k| sec1_pem(&k.serialize_der()))
                .unwrap_or_else(|| "failed to generate private key: ecdsa".to_string());
        }
        "ed25519" => KeyPair::generate_for(&rcgen::PKCS_ED25519),
        "dsa" => {
            return "failed to generate dsa params: DSA keys are not supported by capstan".into();
        }
        other => return format!("Unknown type {other}"),
    };
    match generated {
        Ok(k) => k.serialize_pem(),
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

/// One DER element: its tag, its whole encoding and its contents.
type Der<'a> = (u8, &'a [u8], &'a [u8]);

/// The first DER element of `b`, and the rest.
fn der_next(b: &[u8]) -> Option<(Der<'_>, &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n > 4 || rest.len() < n {
            return None;
        }
        (
            rest[..n]
                .iter()
                .fold(0usize, |acc, x| acc << 8 | usize::from(*x)),
            &rest[n..],
        )
    };
    let header = b.len() - rest.len();
    let contents = rest.get(..len)?;
    Some(((tag, &b[..header + len], contents), &rest[len..]))
}

fn der_children(mut b: &[u8]) -> Option<Vec<Der<'_>>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (item, rest) = der_next(b)?;
        out.push(item);
        b = rest;
    }
    Some(out)
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// Go's `x509.MarshalECPrivateKey` PEM (`EC PRIVATE KEY`, SEC 1 with the
/// P-256 curve named) from a PKCS#8 P-256 key.
fn sec1_pem(pkcs8: &[u8]) -> Option<String> {
    use base64::Engine as _;
    let ((_, _, outer), _) = der_next(pkcs8)?;
    let parts = der_children(outer)?;
    let (_, _, inner) = *parts.get(2)?;
    let ((_, _, ec), _) = der_next(inner)?;
    let fields = der_children(ec)?;
    // version, private key, then the named curve, then the public key.
    const P256: [u8; 12] = [
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    let mut body = Vec::new();
    body.extend_from_slice(fields.first()?.1);
    body.extend_from_slice(fields.get(1)?.1);
    body.extend_from_slice(&P256);
    if let Some(public) = fields.iter().find(|f| f.0 == 0xa1) {
        body.extend_from_slice(public.1);
    }
    let mut der = vec![0x30];
    der.extend(der_len(body.len()));
    der.extend(body);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let mut pem = String::from("-----BEGIN EC PRIVATE KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str("-----END EC PRIVATE KEY-----\n");
    Some(pem)
}

/// Sprig's `getBaseCertTemplate`.
fn base_params(
    cn: &str,
    ips: &Value,
    dns: &Value,
    days: i64,
) -> Result<CertificateParams, FuncError> {
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, cn);
    for ip in list_of(ips) {
        let Value::String(s) = ip else {
            return Err(fail(format!(
                "error parsing ip: {} is not a string",
                super::conv::sprint_v(&ip)
            )));
        };
        let addr: std::net::IpAddr = s
            .parse()
            .map_err(|_| fail(format!("error parsing ip: {s}")))?;
        params.subject_alt_names.push(SanType::IpAddress(addr));
    }
    for name in list_of(dns) {
        let Value::String(s) = name else {
            return Err(fail(format!(
                "error processing alternate dns name: {} is not a string",
                super::conv::sprint_v(&name)
            )));
        };
        let dns = s
            .to_string()
            .try_into()
            .map_err(|e| fail(format!("error creating certificate: {e}")))?;
        params.subject_alt_names.push(SanType::DnsName(dns));
    }
    let mut serial = [0u8; 16];
    // Sprig draws the serial uniformly below 2^128 (rcgen adds the leading
    // zero byte DER needs when the top bit is set).
    rand::fill(&mut serial[..]);
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let now = time_now();
    params.not_before = now;
    params.not_after = now + time::Duration::hours(24 * days);
    params.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.is_ca = IsCa::ExplicitNoCa;
    Ok(params)
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn list_of(v: &Value) -> Vec<Value> {
    v.as_list().map(<[Value]>::to_vec).unwrap_or_default()
}

fn certificate(cert: String, key: &Key) -> Value {
    Value::Object(Arc::new(Certificate {
        cert,
        key: key.pem.clone(),
    }))
}

fn create_error(e: rcgen::Error) -> FuncError {
    fail(format!("error creating certificate: {e}"))
}

fn gen_ca(cn: &str, days: i64, key: Key) -> Result<Value, FuncError> {
    let mut params = base_params(cn, &Value::Nil, &Value::Nil, days)?;
    params.key_usages.push(KeyUsagePurpose::KeyCertSign);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    goext::go_layout(&mut params, key.pair.public_key_raw(), None);
    let cert = params.self_signed(&key.pair).map_err(create_error)?;
    Ok(certificate(cert.pem(), &key))
}

fn gen_self_signed(a: &[Value], key: Key) -> Result<Value, FuncError> {
    let mut params = base_params(arg_str(a, 0), arg(a, 1), arg(a, 2), arg_int(a, 3))?;
    goext::go_layout(&mut params, key.pair.public_key_raw(), None);
    let cert = params.self_signed(&key.pair).map_err(create_error)?;
    Ok(certificate(cert.pem(), &key))
}

fn gen_signed(a: &[Value], key: Key) -> Result<Value, FuncError> {
    let Value::Object(ca) = arg(a, 4) else {
        return Err(fail(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            arg(a, 4).go_type_name()
        )));
    };
    let text = |f: &str| {
        ca.field(f)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let (ca_cert, ca_key) = (text("Cert"), text("Key"));
    if !ca_cert.contains("-----BEGIN") {
        return Err(fail("unable to decode certificate"));
    }
    let signer = parse_key(&ca_key)?;
    let issuer = Issuer::from_ca_cert_pem(&ca_cert, &signer.pair).map_err(|e| {
        fail(format!(
            "error parsing certificate: decodedSignerCert.Bytes: {e}"
        ))
    })?;
    let mut params = base_params(arg_str(a, 0), arg(a, 1), arg(a, 2), arg_int(a, 3))?;
    let authority = goext::authority_key_id(&ca_cert, arg_str(a, 0));
    goext::go_layout(&mut params, key.pair.public_key_raw(), authority);
    let cert = params.signed_by(&key.pair, &issuer).map_err(create_error)?;
    Ok(certificate(cert.pem(), &key))
}

fn build_custom(b64cert: &str, b64key: &str) -> Result<Value, FuncError> {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let cert = engine
        .decode(b64cert)
        .map_err(|_| fail("unable to decode base64 certificate"))?;
    let key = engine
        .decode(b64key)
        .map_err(|_| fail("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    if !cert.contains("-----BEGIN") {
        return Err(fail("unable to decode certificate"));
    }
    parse_key(&key)?;
    Ok(Value::Object(Arc::new(Certificate { cert, key })))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::super::testing::{call, i, s};
    use super::*;

    fn field(v: &Value, name: &str) -> String {
        let Value::Object(o) = v else {
            panic!("not an object: {v:?}")
        };
        o.field(name).unwrap().as_str().unwrap().to_string()
    }

    #[test]
    fn ca_and_signed_certificates() {
        let ca = call("genCA", &[s("my-ca"), i(365)]).unwrap();
        assert!(field(&ca, "Cert").starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(field(&ca, "Key").starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let ips = Value::list(vec![s("10.0.0.1")]);
        let dns = Value::list(vec![s("svc.example.com")]);
        let leaf = call(
            "genSignedCert",
            &[s("svc"), ips.clone(), dns.clone(), i(30), ca],
        )
        .unwrap();
        assert!(field(&leaf, "Cert").contains("BEGIN CERTIFICATE"));
        let own = call("genSelfSignedCert", &[s("self"), Value::Nil, dns, i(1)]).unwrap();
        assert!(field(&own, "Key").contains("RSA PRIVATE KEY"));
        let err = call(
            "genSelfSignedCert",
            &[s("x"), Value::list(vec![s("nope")]), Value::Nil, i(1)],
        );
        assert_eq!(err.unwrap_err().message(), "error parsing ip: nope");
    }

    #[test]
    fn private_keys() {
        assert!(
            call("genPrivateKey", &[s("ecdsa")])
                .unwrap()
                .as_str()
                .unwrap()
                .contains("PRIVATE KEY")
        );
        assert!(
            call("genPrivateKey", &[s("ed25519")])
                .unwrap()
                .as_str()
                .unwrap()
                .contains("PRIVATE KEY")
        );
        assert_eq!(
            call("genPrivateKey", &[s("x")]).unwrap().as_str().unwrap(),
            "Unknown type x"
        );
    }
}
