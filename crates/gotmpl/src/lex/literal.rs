//! Literal values: Go's `strconv.Unquote` for string and character
//! constants and Go's number rules (`ParseInt`/`ParseUint`/`ParseFloat`
//! with base prefixes and underscores), classifying a number literal the
//! way the template parser does (one literal may be an int, a uint and a
//! float at once).

use std::sync::Arc;

use crate::ast::{Number, Pos};
use crate::escape::go_quote;
use crate::lex::Kind;

/// Go's `strconv.Unquote` for a double-quoted or raw string literal
/// (including its quotes). `None` is Go's "invalid syntax".
///
/// `\x` and octal escapes produce single bytes, as in Go; a result that is
/// not valid UTF-8 has its bad bytes replaced by U+FFFD, because Rust
/// strings are UTF-8 (Go keeps the raw bytes).
pub(crate) fn unquote(literal: &str) -> Option<String> {
    let body = literal.get(1..literal.len().checked_sub(1)?)?;
    if literal.starts_with('`') && literal.ends_with('`') && literal.len() >= 2 {
        if body.contains('`') {
            return None;
        }
        // Go drops carriage returns from raw strings.
        return Some(body.replace('\r', ""));
    }
    if !(literal.starts_with('"') && literal.ends_with('"') && literal.len() >= 2) {
        return None;
    }
    if body.contains('\n') {
        return None;
    }
    if !body.contains(['\\', '"']) {
        return Some(body.to_owned());
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while !rest.is_empty() {
        let (value, multibyte, tail) = unquote_char(rest, b'"')?;
        match char::from_u32(value) {
            Some(c) if multibyte || value < 0x80 => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            // A byte from \x or an octal escape (always <= 0xff).
            _ => out.push(u8::try_from(value).ok()?),
        }
        rest = tail;
    }
    Some(match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Go's `strconv.UnquoteChar`: the first character or escape of `s` in a
/// literal quoted with `quote`; returns the value, whether it is a
/// multi-byte character (as opposed to a byte), and the rest.
pub(crate) fn unquote_char(s: &str, quote: u8) -> Option<(u32, bool, &str)> {
    let first = *s.as_bytes().first()?;
    if first == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if first >= 0x80 {
        let c = s.chars().next()?;
        return Some((u32::from(c), true, s.get(c.len_utf8()..)?));
    }
    if first != b'\\' {
        return Some((u32::from(first), false, s.get(1..)?));
    }
    let escape = *s.as_bytes().get(1)?;
    let rest = s.get(2..)?;
    let simple = |v: u8| Some((u32::from(v), false, rest));
    match escape {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        b'\'' | b'"' if escape == quote => simple(escape),
        b'x' | b'u' | b'U' => {
            let n = match escape {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..n)?;
            let mut v: u32 = 0;
            for d in digits.bytes() {
                v = (v << 4) | char::from(d).to_digit(16)?;
            }
            let tail = rest.get(n..)?;
            if escape == b'x' {
                return Some((v, false, tail));
            }
            // Valid runes only: no surrogates, nothing past U+10FFFF.
            char::from_u32(v)?;
            Some((v, true, tail))
        }
        b'0'..=b'7' => {
            let mut v = u32::from(escape - b'0');
            for d in rest.get(..2)?.bytes() {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = (v << 3) | u32::from(d - b'0');
            }
            if v > 255 {
                return None;
            }
            Some((v, false, rest.get(2..)?))
        }
        _ => None,
    }
}

/// Classifies a number token (`Number`, `Complex` or `CharConstant`) as
/// Go's parser does. The error is Go's message.
pub(crate) fn number(pos: Pos, text: &str, kind: Kind) -> Result<Number, String> {
    let mut n = Number {
        pos,
        text: Arc::from(text),
        int: None,
        uint: None,
        float: None,
        is_complex: false,
        is_char: false,
    };
    match kind {
        Kind::CharConstant => {
            let (value, _, tail) = text
                .get(1..)
                .and_then(|s| unquote_char(s, b'\''))
                .ok_or("invalid syntax")?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.is_char = true;
            n.int = Some(i64::from(value));
            n.uint = Some(u64::from(value));
            n.float = Some(f64::from(value));
            return Ok(n);
        }
        Kind::Complex => {
            let (re, im) = split_complex(text)?;
            n.is_complex = true;
            set_real_of_complex(&mut n, re, im);
            return Ok(n);
        }
        _ => {}
    }
    // Imaginary constants are complex (useful only when zero).
    if let Some(f) = text.strip_suffix('i').and_then(parse_float) {
        n.is_complex = true;
        set_real_of_complex(&mut n, 0.0, f);
        return Ok(n);
    }
    let u = parse_uint(text);
    n.uint = u;
    if let Some(i) = parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            // "-0" is a uint too.
            n.uint = Some(u.unwrap_or(0));
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        // Parses as a float but looks like an integer: too large for one.
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        n.float = Some(f);
        n.int = float_as_int(f);
        n.uint = float_as_uint(f);
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(n)
}

/// Reads `1+2i` as Go's `fmt.Sscan` does (the parser delegates complex
/// literals to it), with its error messages.
fn split_complex(text: &str) -> Result<(f64, f64), String> {
    const SYNTAX: &str = "syntax error scanning complex number";
    let b = text.as_bytes();
    let real_end = float_token(b, 0);
    if !matches!(b.get(real_end), Some(b'+' | b'-')) {
        return Err(SYNTAX.into());
    }
    let imag_end = float_token(b, real_end + 1);
    if b.get(imag_end) != Some(&b'i') {
        return Err(SYNTAX.into());
    }
    let convert = |part: &str| {
        parse_float(part).ok_or_else(|| {
            format!(
                "strconv.ParseFloat: parsing {}: invalid syntax",
                go_quote(part)
            )
        })
    };
    let re = convert(text.get(..real_end).unwrap_or(""))?;
    let im = convert(text.get(real_end..imag_end).unwrap_or(""))?;
    Ok((re, im))
}

/// The end of the float `fmt`'s scanner reads from `b[i..]`.
fn float_token(b: &[u8], mut i: usize) -> usize {
    let mut accept = |set: &[u8]| match b.get(i) {
        Some(c) if set.contains(c) => {
            i += 1;
            true
        }
        _ => false,
    };
    if accept(b"nN") && accept(b"aA") && accept(b"nN") {
        return i;
    }
    accept(b"+-");
    if accept(b"iI") && accept(b"nN") && accept(b"fF") {
        return i;
    }
    let mut digits: &[u8] = b"0123456789_";
    let mut exp: &[u8] = b"eEpP";
    if accept(b"0") && accept(b"xX") {
        digits = b"0123456789aAbBcCdDeEfF_";
        exp = b"pP";
    }
    while accept(digits) {}
    if accept(b".") {
        while accept(digits) {}
    }
    if accept(exp) {
        accept(b"+-");
        while accept(b"0123456789_") {}
    }
    i
}

/// Go's `simplifyComplex`: a complex with zero imaginary part is also a
/// float, and an int/uint when integral.
fn set_real_of_complex(n: &mut Number, re: f64, im: f64) {
    if im == 0.0 {
        n.float = Some(re);
        n.int = float_as_int(re);
        n.uint = float_as_uint(re);
    }
}

fn float_as_int(f: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything in [-2^63, 2^63) fits.
    (f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f))
        .then_some(f as i64)
}

fn float_as_uint(f: f64) -> Option<u64> {
    (f.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&f)).then_some(f as u64)
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub(crate) fn parse_uint(s: &str) -> Option<u64> {
    let (base, digits) = match s.as_bytes() {
        [] => return None,
        [b'0', b'b' | b'B', _, ..] => (2, s.get(2..)?),
        [b'0', b'o' | b'O', _, ..] => (8, s.get(2..)?),
        [b'0', b'x' | b'X', _, ..] => (16, s.get(2..)?),
        [b'0', ..] => (8, s.get(1..)?),
        _ => (10, s),
    };
    let mut v: u64 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' {
            underscores = true;
            continue;
        }
        let d = c.to_digit(36)?;
        if d >= base {
            return None;
        }
        v = v.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(v)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        _ => (false, s),
    };
    let u = parse_uint(rest)?;
    if neg {
        if u > 1 << 63 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `underscoreOK`: underscores only between digits (or after a base
/// prefix).
fn underscore_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    for &c in b.iter().skip(i) {
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)` for the literals the lexer can
/// produce; out-of-range values are errors, as in Go.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = matches!(b.first(), Some(b'-'));
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let hex = b.len() > i + 2 && b[i] == b'0' && (b[i + 1] | 0x20) == b'x';
    if hex {
        i += 2;
    }
    let is_digit = |c: u8| c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit());
    let mut mantissa = String::new();
    let (mut saw_dot, mut saw_digits, mut frac_digits) = (false, false, 0i64);
    while let Some(&c) = b.get(i) {
        if c == b'_' {
        } else if c == b'.' && !saw_dot {
            saw_dot = true;
        } else if is_digit(c) {
            saw_digits = true;
            mantissa.push(char::from(c));
            if saw_dot {
                frac_digits += 1;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    let mut exp: i64 = 0;
    let exp_char = if hex { b'p' } else { b'e' };
    if b.get(i).is_some_and(|&c| c | 0x20 == exp_char) {
        i += 1;
        let eneg = matches!(b.get(i), Some(b'-'));
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while let Some(&c) = b.get(i) {
            if c.is_ascii_digit() {
                if exp < 100_000 {
                    exp = exp * 10 + i64::from(c - b'0');
                }
            } else if c != b'_' {
                break;
            }
            i += 1;
        }
        if eneg {
            exp = -exp;
        }
    } else if hex {
        return None;
    }
    if i != b.len() || (s.contains('_') && !underscore_ok(s)) {
        return None;
    }
    let value = if hex {
        hex_float(&mantissa, exp - 4 * frac_digits)?
    } else {
        let digits = if mantissa.is_empty() { "0" } else { &mantissa };
        format!("{digits}e{}", exp - frac_digits)
            .parse::<f64>()
            .ok()?
    };
    if value.is_infinite() {
        return None;
    }
    Some(if neg { -value } else { value })
}

/// Hex mantissa digits times 2^exp.
fn hex_float(digits: &str, exp: i64) -> Option<f64> {
    let digits = digits.trim_start_matches('0');
    let mut m: u128 = 0;
    let mut exp = exp;
    let mut sticky = false;
    for c in digits.chars() {
        let d = u128::from(c.to_digit(16)?);
        if m >> 120 == 0 {
            m = (m << 4) | d;
        } else {
            exp += 4;
            sticky |= d != 0;
        }
    }
    let m = m | u128::from(sticky);
    let mut value = m as f64;
    let mut e = exp.clamp(-3000, 3000);
    while e != 0 {
        let step = e.clamp(-1000, 1000);
        value *= 2f64.powi(i32::try_from(step).ok()?);
        e -= step;
    }
    Some(value)
}
