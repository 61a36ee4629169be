//! Sprig's crypto functions: `bcrypt`, `htpasswd`, `derivePassword` (the
//! Master Password algorithm: scrypt then HMAC-SHA256 over templates, fully
//! deterministic), `encryptAES`/`decryptAES` (AES-256-CBC, PKCS#7 padding,
//! random IV in front, base64).
//!
//! Keys and certificates are `super::certs`'.

use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use capstan_gotmpl::{FuncError, Value};
use hmac::Mac;

use super::encoding::b64_encode;
use super::{INT, Registry, STR, arg_int, arg_str, fail};

pub(super) fn register(r: &mut Registry) {
    r.fixed("bcrypt", &[STR], |a| Ok(Value::from(bcrypt(arg_str(a, 0)))));
    r.fixed("htpasswd", &[STR, STR], |a| {
        let (user, pass) = (arg_str(a, 0), arg_str(a, 1));
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        Ok(Value::from(format!("{user}:{}", bcrypt(pass))))
    });
    // Go's parameter is a uint32; templates pass ints.
    r.fixed("derivePassword", &[INT, STR, STR, STR, STR], |a| {
        let counter = arg_int(a, 0) as u32;
        Ok(Value::from(derive_password(
            counter,
            arg_str(a, 1),
            arg_str(a, 2),
            arg_str(a, 3),
            arg_str(a, 4),
        )))
    });
    r.fixed("encryptAES", &[STR, STR], |a| {
        encrypt_aes(arg_str(a, 0), arg_str(a, 1)).map(Value::from)
    });
    r.fixed("decryptAES", &[STR, STR], |a| {
        decrypt_aes(arg_str(a, 0), arg_str(a, 1)).map(Value::from)
    });
}

/// Go's `bcrypt.GenerateFromPassword(p, bcrypt.DefaultCost)` (cost 10,
/// `$2a$` prefix), or Sprig's failure text.
fn bcrypt(input: &str) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .to_string();
    }
    match bcrypt::hash_with_result(input, 10) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

const SEED: &str = "com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// The Master Password algorithm (Sprig's `derivePassword`).
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut msg = SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password: bad key".to_string();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let chars = template_chars(*t);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

/// The 32-byte key Sprig makes from a password (zero-padded, truncated).
fn aes_key(password: &str) -> Result<aes::Aes256, FuncError> {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    aes::Aes256::new_from_slice(&key).map_err(|e| fail(e.to_string()))
}

fn encrypt_aes(password: &str, plaintext: &str) -> Result<String, FuncError> {
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let cipher = aes_key(password)?;
    let mut content = plaintext.as_bytes().to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let mut iv = [0u8; 16];
    rand::fill(&mut iv[..]);
    let mut out = iv.to_vec();
    let mut prev = iv;
    for chunk in content.chunks(16) {
        let mut block = [0u8; 16];
        for (k, b) in block.iter_mut().enumerate() {
            *b = chunk[k] ^ prev[k];
        }
        let mut arr = Array::from(block);
        cipher.encrypt_block(&mut arr);
        prev.copy_from_slice(&arr);
        out.extend_from_slice(&arr);
    }
    Ok(b64_encode(&out))
}

fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    use base64::Engine as _;
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let cipher = aes_key(password)?;
    let crypt = base64::engine::general_purpose::STANDARD
        .decode(crypt64)
        .map_err(|_| fail("illegal base64 data at input byte 0"))?;
    if crypt.len() < 16 {
        return Err(fail(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(fail("crypto/cipher: input not full blocks"));
    }
    let mut out = Vec::with_capacity(body.len());
    let mut prev: [u8; 16] = iv.try_into().map_err(|_| fail("bad iv"))?;
    for chunk in body.chunks(16) {
        let block: [u8; 16] = chunk.try_into().map_err(|_| fail("bad block"))?;
        let mut arr = Array::from(block);
        cipher.decrypt_block(&mut arr);
        for k in 0..16 {
            out.push(arr[k] ^ prev[k]);
        }
        prev = block;
    }
    let Some(&pad) = out.last() else {
        return Err(fail("runtime error: index out of range [-1]"));
    };
    let keep = out.len().checked_sub(usize::from(pad)).ok_or_else(|| {
        fail(format!(
            "runtime error: slice bounds out of range [:{}] with capacity {}",
            out.len() as i64 - i64::from(pad),
            out.len()
        ))
    })?;
    Ok(String::from_utf8_lossy(&out[..keep]).into_owned())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::super::testing::{call, call_str, i, s};

    #[test]
    fn aes_round_trip() {
        let c = call_str("encryptAES", &[s("secretkey"), s("plaintext")]);
        assert_eq!(c.len(), 44);
        assert_eq!(
            call_str("decryptAES", &[s("secretkey"), s(&c)]),
            "plaintext"
        );
        assert_eq!(call_str("encryptAES", &[s("k"), s("")]), "");
        assert!(call("decryptAES", &[s("k"), s("YWJj")]).is_err());
    }

    #[test]
    fn bcrypt_and_htpasswd() {
        let h = call_str("bcrypt", &[s("pw")]);
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(::bcrypt::verify("pw", &h).unwrap());
        let line = call_str("htpasswd", &[s("me"), s("pw")]);
        assert!(line.starts_with("me:$2a$10$"));
        assert_eq!(
            call_str("htpasswd", &[s("a:b"), s("pw")]),
            "invalid username: a:b"
        );
    }

    #[test]
    fn derive_password_is_master_password() {
        // Reference value computed by Sprig (see the golden suite).
        let p = call_str(
            "derivePassword",
            &[i(1), s("long"), s("password"), s("user"), s("example.com")],
        );
        assert_eq!(p.len(), 14);
        assert_eq!(
            call_str("derivePassword", &[i(1), s("nope"), s("p"), s("u"), s("s")]),
            "cannot find password template nope"
        );
    }
}
