//! Digests of a string: `sha1sum`, `sha256sum`, `sha512sum` (lower-case
//! hex) and `adler32sum` (the checksum as a decimal number, as Sprig prints
//! it with `%d`).

use capstan_gotmpl::Value;
use sha1::Digest as _;

use super::{Registry, STR, arg_str};

pub(super) fn register(r: &mut Registry) {
    r.fixed("sha1sum", &[STR], |a| {
        Ok(Value::from(hex(&sha1::Sha1::digest(arg_str(a, 0)))))
    });
    r.fixed("sha256sum", &[STR], |a| {
        Ok(Value::from(hex(&sha2::Sha256::digest(arg_str(a, 0)))))
    });
    r.fixed("sha512sum", &[STR], |a| {
        Ok(Value::from(hex(&sha2::Sha512::digest(arg_str(a, 0)))))
    });
    r.fixed("adler32sum", &[STR], |a| {
        let mut h = adler2::Adler32::new();
        h.write_slice(arg_str(a, 0).as_bytes());
        Ok(Value::from(h.checksum().to_string()))
    });
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::super::testing::{call_str, s};

    #[test]
    fn digests_match_known_values() {
        assert_eq!(
            call_str("sha1sum", &[s("abc")]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            call_str("sha256sum", &[s("abc")]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(call_str("sha512sum", &[s("abc")]).starts_with("ddaf35a193617aba"));
        assert_eq!(call_str("adler32sum", &[s("Wikipedia")]), "300286872");
    }
}
