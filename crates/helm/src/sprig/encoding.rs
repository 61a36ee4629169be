//! `b64enc`/`b64dec` and `b32enc`/`b32dec` with Go's standard encodings.
//!
//! Sprig returns a decoding error's text as the result
//! (`illegal base64 data at input byte 4`), so the decoders here follow Go's
//! `encoding/base64` and `encoding/base32` quantum by quantum to report the
//! same byte offsets. Line breaks (`\r`, `\n`) are ignored, as in Go.

use capstan_gotmpl::Value;

use super::{Registry, STR, arg_str};

pub(super) fn register(r: &mut Registry) {
    r.fixed("b64enc", &[STR], |a| {
        Ok(Value::from(b64_encode(arg_str(a, 0).as_bytes())))
    });
    r.fixed("b64dec", &[STR], |a| {
        Ok(Value::from(decoded(b64_decode(arg_str(a, 0)), "base64")))
    });
    r.fixed("b32enc", &[STR], |a| {
        Ok(Value::from(
            data_encoding::BASE32.encode(arg_str(a, 0).as_bytes()),
        ))
    });
    r.fixed("b32dec", &[STR], |a| {
        Ok(Value::from(decoded(b32_decode(arg_str(a, 0)), "base32")))
    });
}

fn decoded(result: Result<Vec<u8>, usize>, what: &str) -> String {
    match result {
        // Go strings hold any bytes; ours must be UTF-8.
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(at) => format!("illegal {what} data at input byte {at}"),
    }
}

pub(crate) fn b64_encode(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn index_of(alphabet: &[u8], c: u8) -> Option<u8> {
    alphabet.iter().position(|&a| a == c).map(|p| p as u8)
}

/// Go's `base64.StdEncoding.DecodeString`; the error is the offset of the
/// offending input byte.
fn b64_decode(s: &str) -> Result<Vec<u8>, usize> {
    let src = s.as_bytes();
    let is_nl = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut buf = [0u8; 4];
        let mut j = 0;
        let mut dlen = 4;
        let mut end = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // Missing padding.
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = index_of(B64, c) {
                buf[j] = v;
                j += 1;
                continue;
            }
            if is_nl(c) {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                // "==" expected; the first '=' is consumed.
                while si < src.len() && is_nl(src[si]) {
                    si += 1;
                }
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            while si < src.len() && is_nl(src[si]) {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            end = true;
            break;
        }
        let val = (u32::from(buf[0]) << 18)
            | (u32::from(buf[1]) << 12)
            | (u32::from(buf[2]) << 6)
            | u32::from(buf[3]);
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if end {
            return Ok(out);
        }
    }
}

/// Go's `base32.StdEncoding.DecodeString` (newlines are removed first, so
/// offsets count the remaining bytes).
fn b32_decode(s: &str) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = s.bytes().filter(|c| *c != b'\n' && *c != b'\r').collect();
    let olen = src.len();
    let mut rest = &src[..];
    let mut out = Vec::new();
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut buf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                return Err(olen - j);
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(olen);
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(olen - rest.len() + k - 1);
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(olen - rest.len() - 1);
                }
                break;
            }
            match index_of(B32, c) {
                Some(v) => buf[j] = v,
                None => return Err(olen - rest.len() - 1),
            }
            j += 1;
        }
        let bits = buf.iter().fold(0u64, |acc, &b| (acc << 5) | u64::from(b));
        let bytes = bits.to_be_bytes();
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[3..3 + n]);
    }
    Ok(out)
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
    fn base64_round_trip_and_go_errors() {
        assert_eq!(call_str("b64enc", &[s("hello")]), "aGVsbG8=");
        assert_eq!(call_str("b64dec", &[s("aGVsbG8=")]), "hello");
        assert_eq!(call_str("b64dec", &[s("aGVs\nbG8=")]), "hello");
        assert_eq!(
            call_str("b64dec", &[s("aGVsbG8")]),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            call_str("b64dec", &[s("a!")]),
            "illegal base64 data at input byte 1"
        );
        assert_eq!(
            call_str("b64dec", &[s("aGVsbG8=x")]),
            "illegal base64 data at input byte 8"
        );
        assert_eq!(call_str("b64dec", &[s("")]), "");
    }

    #[test]
    fn base32_round_trip_and_go_errors() {
        assert_eq!(call_str("b32enc", &[s("hello")]), "NBSWY3DP");
        assert_eq!(call_str("b32dec", &[s("NBSWY3DP")]), "hello");
        assert_eq!(
            call_str("b32dec", &[s("NBSWY3D")]),
            "illegal base32 data at input byte 0"
        );
        assert_eq!(
            call_str("b32dec", &[s("NBSWY3D1")]),
            "illegal base32 data at input byte 7"
        );
        assert_eq!(call_str("b32dec", &[s("MZXW6===")]), "foo");
    }
}
