//! Sprig's random functions: `randAlphaNum`, `randAlpha`, `randAscii`,
//! `randNumeric`, `randBytes`, `randInt`, `shuffle` and `uuidv4`. Their
//! output cannot be compared with Helm's; the character sets, lengths and
//! Go's error texts can.

use capstan_gotmpl::{FuncError, Value};

use super::{INT, Registry, STR, arg_int, arg_str, fail};

pub(super) fn register(r: &mut Registry) {
    r.fixed("randAlphaNum", &[INT], |a| {
        rand_string(arg_int(a, 0), |c| c.is_ascii_alphanumeric())
    });
    r.fixed("randAlpha", &[INT], |a| {
        rand_string(arg_int(a, 0), |c| c.is_ascii_alphabetic())
    });
    r.fixed("randNumeric", &[INT], |a| {
        rand_string(arg_int(a, 0), |c| c.is_ascii_digit())
    });
    r.fixed("randAscii", &[INT], |a| {
        rand_string(arg_int(a, 0), |c| (' '..='~').contains(&c))
    });
    r.fixed("randBytes", &[INT], |a| {
        let n = arg_int(a, 0);
        if n < 0 {
            return Err(fail("runtime error: makeslice: len out of range"));
        }
        let n =
            usize::try_from(n).map_err(|_| fail("runtime error: makeslice: len out of range"))?;
        if n > MAX_LEN {
            return Err(fail(format!("randBytes: refusing to generate {n} bytes")));
        }
        let mut buf = vec![0u8; n];
        rand::fill(&mut buf[..]);
        Ok(Value::from(super::encoding::b64_encode(&buf)))
    });
    r.fixed("randInt", &[INT, INT], |a| {
        let (min, max) = (arg_int(a, 0), arg_int(a, 1));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(fail("invalid argument to Intn"));
        }
        Ok(Value::Int(min + rand::random_range(0..n)))
    });
    r.fixed("shuffle", &[STR], |a| {
        let mut chars: Vec<char> = arg_str(a, 0).chars().collect();
        for i in (1..chars.len()).rev() {
            let j = rand::random_range(0..=i);
            chars.swap(i, j);
        }
        Ok(Value::from(chars.into_iter().collect::<String>()))
    });
    r.fixed("uuidv4", &[], |_| Ok(Value::from(uuid_v4())));
}

/// Refuse outputs larger than this (Go would allocate them).
const MAX_LEN: usize = 1 << 20;

/// goutils' `CryptoRandom*`: `count` characters of the allowed set; a
/// negative count is an error Sprig swallows (the result is ""). Counts
/// above 1 MiB are refused (Go would try to allocate them).
fn rand_string(count: i64, allowed: fn(char) -> bool) -> Result<Value, FuncError> {
    use rand::RngExt as _;
    let Ok(count) = usize::try_from(count) else {
        return Ok(Value::str(""));
    };
    if count > MAX_LEN {
        return Err(fail(format!(
            "refusing to generate {count} random characters"
        )));
    }
    let pool: Vec<char> = (' '..='~').filter(|c| allowed(*c)).collect();
    let mut rng = rand::rng();
    let s: String = (0..count)
        .map(|_| pool[rng.random_range(0..pool.len())])
        .collect();
    Ok(Value::from(s))
}

/// A random (version 4, RFC 4122 variant) UUID in its canonical text.
fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::fill(&mut b[..]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = super::hash::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
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
    fn random_strings_have_the_right_shape() {
        let v = call_str("randAlphaNum", &[i(32)]);
        assert_eq!(v.len(), 32);
        assert!(v.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(
            call_str("randNumeric", &[i(10)])
                .chars()
                .all(|c| c.is_ascii_digit())
        );
        assert!(
            call_str("randAlpha", &[i(10)])
                .chars()
                .all(|c| c.is_ascii_alphabetic())
        );
        assert_eq!(call_str("randAscii", &[i(-1)]), "");
        assert_eq!(call_str("randBytes", &[i(12)]).len(), 16);
        let u = call_str("uuidv4", &[]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        let mut sh: Vec<char> = call_str("shuffle", &[s("hello")]).chars().collect();
        sh.sort();
        assert_eq!(sh.into_iter().collect::<String>(), "ehllo");
        assert!(call("randInt", &[i(5), i(5)]).is_err());
        let n = call("randInt", &[i(5), i(7)]).unwrap();
        assert!(matches!(n, capstan_gotmpl::Value::Int(5 | 6)));
    }
}
