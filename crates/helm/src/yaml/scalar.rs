//! Plain-scalar resolution as go-yaml resolves untagged scalars (YAML 1.1 flavour).
//!
//! go-yaml v2 (values files, `fromYaml`, the second half of `toYaml`) and v3
//! (`toYamlPretty`) share the number and null rules; v2 also reads `yes`/`no`/
//! `on`/`off`/`y`/`n` as booleans, and v3 still quotes them on output. The
//! emitters use [`needs_quotes`] to decide when a string must be quoted so that
//! it reads back as a string.

/// What an untagged plain scalar means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    /// A Go `int` (64-bit here).
    Int(i64),
    /// A `uint64` above `i64::MAX`.
    Uint(u64),
    Float(f64),
    /// Looks like a timestamp: go-yaml v2 keeps the text as a string when the
    /// target is `interface{}`, but it is not a plain string for quoting.
    Timestamp,
    /// The merge key `<<`.
    Merge,
    Str,
}

/// The YAML 1.1 schema of go-yaml v2, or go-yaml v3's (no `yes`/`no` booleans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schema {
    V2,
    V3,
}

/// Resolves an untagged plain scalar.
pub(crate) fn resolve(s: &str, schema: Schema) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            lookup(s, schema).unwrap_or(Resolved::Str)
        }
        b'.' => {
            if let Some(r) = lookup(s, schema) {
                return r;
            }
            // Go's ParseFloat on text starting with '.': only decimal forms succeed.
            match parse_finite(s) {
                Some(x) if yaml_style_float(s) => Resolved::Float(x),
                _ => Resolved::Str,
            }
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if let Some(r) = lookup(s, schema) {
                return r;
            }
            if looks_like_timestamp(s) {
                return Resolved::Timestamp;
            }
            let resolved = if s.contains('_') {
                resolve_number(&s.replace('_', ""))
            } else {
                resolve_number(s)
            };
            resolved.unwrap_or(Resolved::Str)
        }
        _ => Resolved::Str,
    }
}

/// Integers (any Go base prefix, octal with a leading 0), then YAML-style
/// floats, then binary with a sign, as go-yaml tries them.
fn resolve_number(plain: &str) -> Option<Resolved> {
    if let Some(r) = go_parse_int(plain) {
        return Some(r);
    }
    if yaml_style_float(plain)
        && let Some(x) = parse_finite(plain)
    {
        return Some(Resolved::Float(x));
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        return parse_radix(rest, 2, false);
    }
    if let Some(rest) = plain.strip_prefix("-0b") {
        return parse_radix(rest, 2, true);
    }
    None
}

fn lookup(s: &str, schema: Schema) -> Option<Resolved> {
    let r = match s {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" if schema == Schema::V2 => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" if schema == Schema::V2 => {
            Resolved::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    };
    Some(r)
}

/// Whether a string must be quoted so that go-yaml reads it back as a string:
/// it resolves to something else, or it is a YAML 1.1 sexagesimal float
/// (`1:20`), or (v3 only) a YAML 1.1 boolean.
pub(crate) fn needs_quotes(s: &str, schema: Schema) -> bool {
    if resolve(s, schema) != Resolved::Str || is_base60_float(s) {
        return true;
    }
    schema == Schema::V3
        && matches!(
            s,
            "y" | "Y"
                | "yes"
                | "Yes"
                | "YES"
                | "on"
                | "On"
                | "ON"
                | "n"
                | "N"
                | "no"
                | "No"
                | "NO"
                | "off"
                | "Off"
                | "OFF"
        )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && i - start < 2 && b[i].is_ascii_digit() {
            i += 1;
        }
        let group = &b[start..i];
        let ok = match group {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Parses a decimal float; Go's ParseFloat reports overflow as an error.
fn parse_finite(s: &str) -> Option<f64> {
    let x: f64 = s.parse().ok()?;
    x.is_finite().then_some(x)
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<Resolved> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    let r = parse_radix(digits, radix, neg)?;
    // ParseUint accepts no sign at all.
    if matches!(r, Resolved::Uint(_)) && s.starts_with('+') {
        return None;
    }
    Some(r)
}

/// Go's `ParseInt`/`ParseUint` of the digits after any sign and base
/// prefix: an int, a uint above `i64::MAX`, or nothing (a character that is
/// no digit of the base, or a magnitude past 64 bits, which is no number to
/// either parser whatever follows, so the scan stops there).
fn parse_radix(digits: &str, radix: u32, neg: bool) -> Option<Resolved> {
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        magnitude = magnitude
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(d))?;
    }
    if neg {
        // -2^63 is the one magnitude past i64::MAX that still fits.
        0i64.checked_sub_unsigned(magnitude).map(Resolved::Int)
    } else if let Ok(v) = i64::try_from(magnitude) {
        Some(Resolved::Int(v))
    } else {
        Some(Resolved::Uint(magnitude))
    }
}

/// go-yaml's timestamp check: `YYYY-` then one of the layouts Go's time.Parse
/// accepts (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, with `t` or a
/// space separator and no zone).
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = Cursor { b, i: 5 };
    let date_ok = p.num(1, 2).is_some_and(|m| (1..=12).contains(&m))
        && p.eat(b'-')
        && p.num(1, 2).is_some_and(|d| (1..=31).contains(&d));
    if !date_ok {
        return false;
    }
    if p.done() {
        return valid_day(b, s);
    }
    let sep = p.b[p.i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    p.i += 1;
    let time_ok = p.num(1, 2).is_some_and(|h| h < 24)
        && p.eat(b':')
        && p.num(1, 2).is_some_and(|m| m < 60)
        && p.eat(b':')
        && p.num(1, 2).is_some_and(|s| s < 60);
    if !time_ok {
        return false;
    }
    if p.eat(b'.') && p.num(1, 9).is_none() {
        return false;
    }
    if sep == b' ' {
        return p.done() && valid_day(b, s);
    }
    // Zone: Z or ±hh:mm.
    let zone_ok = if p.eat(b'Z') {
        true
    } else if p.eat(b'+') || p.eat(b'-') {
        p.num(2, 2).is_some_and(|h| h < 24) && p.eat(b':') && p.num(2, 2).is_some_and(|m| m < 60)
    } else {
        false
    };
    zone_ok && p.done() && valid_day(b, s)
}

fn valid_day(b: &[u8], s: &str) -> bool {
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut parts = s[5..].split(|c: char| !c.is_ascii_digit());
    let month: u32 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    let day: u32 = parts.next().and_then(|d| d.parse().ok()).unwrap_or(0);
    let _ = b;
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let max = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= max
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 128-bit reading [`parse_radix`] replaced: every digit of the
    /// base, then the magnitude must fit the sign's 64-bit range.
    fn parse_radix_wide(digits: &str, radix: u32, neg: bool) -> Option<Resolved> {
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let magnitude = u128::from_str_radix(digits, radix).ok()?;
        if neg {
            let v = i128::try_from(magnitude).ok().map(|m| -m)?;
            i64::try_from(v).ok().map(Resolved::Int)
        } else if let Ok(v) = i64::try_from(magnitude) {
            Some(Resolved::Int(v))
        } else {
            u64::try_from(magnitude).ok().map(Resolved::Uint)
        }
    }

    #[test]
    fn digits_parse_as_the_wide_parser_parses_them() {
        let mut rng = capstan_gotmpl::test_inputs::Xorshift(0x9e37_79b9_7f4a_7c15);
        let alphabet = b"0123456789abcdefABCDEFxz_-";
        for radix in [2, 8, 10, 16] {
            for len in 0..=70 {
                for _ in 0..100 {
                    // Mostly digits of the base, sometimes zeros or others.
                    let digits: String = (0..len)
                        .map(|_| {
                            let r = rng.next();
                            let pick = match r % 8 {
                                0 => alphabet[(r >> 8) as usize % alphabet.len()],
                                1 => b'0',
                                _ => alphabet[(r >> 8) as usize % radix as usize],
                            };
                            char::from(pick)
                        })
                        .collect();
                    for neg in [false, true] {
                        assert_eq!(
                            parse_radix(&digits, radix, neg),
                            parse_radix_wide(&digits, radix, neg),
                            "{digits} {radix} {neg}"
                        );
                    }
                }
            }
        }
        for (digits, radix) in [
            ("9223372036854775807", 10),
            ("9223372036854775808", 10),
            ("18446744073709551615", 10),
            ("18446744073709551616", 10),
            ("8000000000000000", 16),
            ("ffffffffffffffff", 16),
            ("10000000000000000", 16),
            ("0000000000000000000000000000000000000001", 16),
            ("٣", 10),
        ] {
            for neg in [false, true] {
                assert_eq!(
                    parse_radix(digits, radix, neg),
                    parse_radix_wide(digits, radix, neg),
                    "{digits} {neg}"
                );
            }
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(resolve("0123", Schema::V2), Resolved::Int(83));
        assert_eq!(resolve("0x1F", Schema::V2), Resolved::Int(31));
        assert_eq!(resolve("1_000", Schema::V2), Resolved::Int(1000));
        assert_eq!(resolve("08", Schema::V2), Resolved::Float(8.0));
        assert_eq!(resolve("1e400", Schema::V2), Resolved::Str);
        assert_eq!(
            resolve("18446744073709551615", Schema::V2),
            Resolved::Uint(u64::MAX)
        );
        assert_eq!(resolve(".5", Schema::V2), Resolved::Float(0.5));
        assert_eq!(resolve("-0b11", Schema::V2), Resolved::Int(-3));
    }

    #[test]
    fn words() {
        assert_eq!(resolve("yes", Schema::V2), Resolved::Bool(true));
        assert_eq!(resolve("yes", Schema::V3), Resolved::Str);
        assert!(needs_quotes("yes", Schema::V3));
        assert!(needs_quotes("1:20", Schema::V2));
        assert!(!needs_quotes("a:b", Schema::V2));
        assert_eq!(resolve("2001-12-14", Schema::V2), Resolved::Timestamp);
        assert_eq!(resolve("2001-13-14", Schema::V2), Resolved::Str);
    }
}
