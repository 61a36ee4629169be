//! Go's `strconv.FormatFloat` for `float64`: the `%e %f %g %b %x` layouts, with
//! a precision or the shortest digits that read back to the same float.
//!
//! The decimal digits come from Rust's own formatting, which is exact: `{:e}`
//! yields the shortest round-tripping digits (the same digits Go's Ryū search
//! finds) and `{:.N}`/`{:.Ne}` round the exact binary value half-to-even, as
//! Go does. This module only applies Go's layout rules to those digits.

use std::fmt::Write as _;

/// The layout of a formatted float, named after `strconv.FormatFloat`'s
/// format byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FloatFormat {
    /// `'b'`: binary exponent, `4503599627370496p-52`.
    Binary,
    /// `'e'`: `-d.dddde±dd`.
    Exp,
    /// `'E'`: `-d.ddddE±dd`.
    ExpUpper,
    /// `'f'`: `-ddd.dddd`, never an exponent.
    Fixed,
    /// `'g'`: `'e'` for large or tiny exponents, `'f'` otherwise.
    General,
    /// `'G'`: `'E'` for large or tiny exponents, `'f'` otherwise.
    GeneralUpper,
    /// `'x'`: hexadecimal mantissa, binary exponent, `-0x1.23abcp+20`.
    Hex,
    /// `'X'`: `-0X1.23ABCP+20`.
    HexUpper,
}

/// `strconv.FormatFloat(x, fmt, prec, 64)`; `prec` `None` is Go's `-1`: the
/// fewest digits that read back as `x`.
///
/// ```
/// use capstan_gotmpl::format::{format_float, FloatFormat};
/// assert_eq!(format_float(1e6, FloatFormat::General, None), "1e+06");
/// assert_eq!(format_float(0.000015, FloatFormat::General, None), "1.5e-05");
/// assert_eq!(format_float(2.5, FloatFormat::Fixed, Some(0)), "2");
/// ```
pub fn format_float(x: f64, format: FloatFormat, prec: Option<usize>) -> String {
    let mut out = String::new();
    append_float(&mut out, x, format, prec);
    out
}

/// Appends [`format_float`]'s result to `out`.
pub fn append_float(out: &mut String, x: f64, format: FloatFormat, prec: Option<usize>) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    let neg = x.is_sign_negative();
    let abs = x.abs();
    match format {
        FloatFormat::Binary => fmt_binary(out, x),
        FloatFormat::Hex => fmt_hex(out, x, prec, false),
        FloatFormat::HexUpper => fmt_hex(out, x, prec, true),
        FloatFormat::Fixed => {
            if neg {
                out.push('-');
            }
            match prec {
                // Rust prints the exact value rounded half-to-even, like Go's
                // multiprecision path.
                Some(p) => {
                    // Rust caps precisions at 65535, and past the last
                    // fraction digit of a float (1074) every digit is 0.
                    let exact = p.min(EXACT_FRAC);
                    let _ = write!(out, "{abs:.exact$}");
                    push_zeros(out, p - exact);
                }
                // Whole numbers below 2^53 are their own shortest digits
                // (encoding/json prints every values-file port this way).
                None if abs < 1e15 && abs.fract() == 0.0 => push_whole(out, abs as u64),
                None => {
                    let mut buf = StackBuf::new();
                    let d = shortest(abs, &mut buf);
                    fmt_f(out, &d, (d.nd() - d.dp).max(0) as usize);
                }
            }
        }
        FloatFormat::Exp | FloatFormat::ExpUpper => {
            let upper = format == FloatFormat::ExpUpper;
            if neg {
                out.push('-');
            }
            match prec {
                Some(p) => {
                    let text = format!("{abs:.prec$e}", prec = p.min(EXACT_SIG));
                    let d = Digits::parse_exp(text.as_bytes());
                    fmt_e(out, &d, p, upper);
                }
                None => {
                    let mut buf = StackBuf::new();
                    let d = shortest(abs, &mut buf);
                    fmt_e(out, &d, (d.nd() - 1).max(0) as usize, upper);
                }
            }
        }
        FloatFormat::General | FloatFormat::GeneralUpper => {
            let upper = format == FloatFormat::GeneralUpper;
            if neg {
                out.push('-');
            }
            match prec {
                Some(p) => {
                    let p = p.max(1);
                    let text = format!("{abs:.prec$e}", prec = (p - 1).min(EXACT_SIG));
                    let d = Digits::parse_exp(text.as_bytes());
                    fmt_g(out, &d, p as i64, false, upper);
                }
                // Values files are full of small whole numbers (ports,
                // replicas), all float64: below 1e6 `%v` prints them as
                // plain integers, so skip the digit search.
                None if abs < 1e6 && abs.fract() == 0.0 => push_whole(out, abs as u64),
                None => {
                    let mut buf = StackBuf::new();
                    let d = shortest(abs, &mut buf);
                    fmt_g(out, &d, d.nd(), true, upper);
                }
            }
        }
    }
}

/// Appends the decimal digits of `n`, without going through `fmt`.
fn push_whole(out: &mut String, n: u64) {
    for &d in super::words::decimal(n, &mut [0u8; 20]) {
        out.push(char::from(d));
    }
}

/// Digits after the point beyond which a float's exact expansion has only
/// zeros (the smallest subnormal has 1074).
const EXACT_FRAC: usize = 1100;

/// Significant digits beyond which a float's exact expansion has only zeros
/// (at most 767 are ever needed).
const EXACT_SIG: usize = 800;

/// A decimal `0.d1d2d3… × 10^dp` with no trailing zero digits, read from
/// Rust's `d.ddde±x` form without copying: the first digit, then the digits
/// after the point. Zero has no digits.
struct Digits<'a> {
    lead: u8,
    frac: &'a [u8],
    nd: i64,
    dp: i64,
}

impl<'a> Digits<'a> {
    /// Reads Rust's `{:e}` output (`1.2345e-7`, `0e0`).
    fn parse_exp(text: &'a [u8]) -> Digits<'a> {
        let e = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
        let exp: i64 = std::str::from_utf8(text.get(e + 1..).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mantissa = &text[..e];
        let lead = mantissa.first().copied().unwrap_or(b'0');
        if lead == b'0' {
            return Digits {
                lead,
                frac: &[],
                nd: 0,
                dp: 0,
            };
        }
        let mut frac = mantissa.get(2..).unwrap_or_default();
        while let [rest @ .., b'0'] = frac {
            frac = rest;
        }
        Digits {
            lead,
            frac,
            nd: 1 + frac.len() as i64,
            dp: exp + 1,
        }
    }

    fn nd(&self) -> i64 {
        self.nd
    }

    /// The `i`th digit, `0` outside the stored digits.
    fn digit(&self, i: i64) -> char {
        let b = match i {
            0 if self.nd > 0 => self.lead,
            i if i > 0 && i < self.nd => self.frac[(i - 1) as usize],
            _ => b'0',
        };
        char::from(b)
    }
}

/// Shortest round-tripping digits of a finite, non-negative `x`.
///
/// When `x` lies exactly halfway between the two closest shortest
/// candidates, Rust rounds the last digit up and Go rounds it to even; the
/// odd digit Rust chose is then lowered by one.
fn shortest(x: f64, buf: &mut StackBuf) -> Digits<'_> {
    let _ = write!(buf, "{x:e}");
    let (value, q, last) = {
        let d = Digits::parse_exp(buf.as_bytes());
        let mut value = 0u64;
        for i in 0..d.nd {
            value = value * 10 + u64::from(d.digit(i) as u8 - b'0');
        }
        // The last digit sits just before the point or at index 1 + len
        // of the fraction in Rust's `d.ddd` text.
        let last = if d.nd > 1 { d.nd as usize } else { 0 };
        (value, d.dp - d.nd, last)
    };
    if value % 2 == 1 && is_midpoint(x, value, q) {
        buf.bytes[last] -= 1;
    }
    Digits::parse_exp(buf.as_bytes())
}

/// Whether `x` is exactly `(digits − ½) × 10^q`, the midpoint below the
/// decimal `digits × 10^q`.
fn is_midpoint(x: f64, digits: u64, q: i64) -> bool {
    let (_, mant, exp) = decompose(x);
    if mant == 0 {
        return false;
    }
    let tz = mant.trailing_zeros();
    let m = u128::from(mant >> tz);
    let e = exp - 52 + i64::from(tz);
    // 2x = m·2^(e+1) and 2·midpoint = (2·digits − 1)·2^q·5^q with an odd
    // first factor: equal only if the powers of two match and the odd parts
    // agree.
    if e + 1 != q {
        return false;
    }
    let k = 2 * u128::from(digits) - 1;
    let Some(pow5) = u32::try_from(q.unsigned_abs())
        .ok()
        .and_then(|p| 5u128.checked_pow(p))
    else {
        return false;
    };
    if q >= 0 {
        k.checked_mul(pow5) == Some(m)
    } else {
        m.checked_mul(pow5) == Some(k)
    }
}

/// A fixed buffer for the shortest `{:e}` form, which is at most 24 bytes, so
/// the common `%v` of a float does not allocate.
struct StackBuf {
    bytes: [u8; 32],
    len: usize,
}

impl StackBuf {
    fn new() -> StackBuf {
        StackBuf {
            bytes: [0; 32],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `%e`: `d.ddddde±dd` with `prec` digits after the point.
fn fmt_e(out: &mut String, d: &Digits<'_>, prec: usize, upper: bool) {
    out.push(d.digit(0));
    if prec > 0 {
        out.push('.');
        let avail = (d.nd - 1).max(0) as usize;
        let take = avail.min(prec);
        for i in 1..=take {
            out.push(d.digit(i as i64));
        }
        push_zeros(out, prec - take);
    }
    out.push(if upper { 'E' } else { 'e' });
    let exp = if d.nd == 0 { 0 } else { d.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

/// `%f`: the integer part, then `prec` fraction digits.
fn fmt_f(out: &mut String, d: &Digits<'_>, prec: usize) {
    if d.dp > 0 {
        for i in 0..d.dp {
            out.push(d.digit(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec as i64 {
            out.push(d.digit(d.dp + i));
        }
    }
}

/// `%g`: Go's choice between `%e` and `%f` for `prec` significant digits.
fn fmt_g(out: &mut String, d: &Digits<'_>, mut prec: i64, shortest: bool, upper: bool) {
    let nd = d.nd;
    let mut eprec = prec;
    if eprec > nd && nd >= d.dp {
        eprec = nd;
    }
    // The shortest form switches to an exponent as C's %g does with its
    // default precision of 6.
    if shortest {
        eprec = 6;
    }
    let exp = d.dp - 1;
    if exp < -4 || exp >= eprec {
        if prec > nd {
            prec = nd;
        }
        fmt_e(out, d, (prec - 1).max(0) as usize, upper);
        return;
    }
    if prec > d.dp {
        prec = nd;
    }
    fmt_f(out, d, (prec - d.dp).max(0) as usize);
}

fn push_zeros(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n('0', n));
}

/// The sign, 53-bit mantissa and binary exponent of a finite float, with
/// `x = mant × 2^(exp − 52)`.
fn decompose(x: f64) -> (bool, u64, i64) {
    let bits = x.to_bits();
    let neg = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    let exp = if biased == 0 {
        -1022
    } else {
        mant |= 1 << 52;
        biased - 1023
    };
    (neg, mant, exp)
}

/// `%b`: decimal mantissa and binary exponent, `-4503599627370496p-52`.
fn fmt_binary(out: &mut String, x: f64) {
    let (neg, mant, exp) = decompose(x);
    if neg {
        out.push('-');
    }
    let exp = exp - 52;
    let _ = write!(out, "{mant}p{}{exp}", if exp >= 0 { "+" } else { "" });
}

/// `%x`: `-0x1.8p+01`; with a precision below 15 hex digits the mantissa is
/// rounded half-to-even first.
fn fmt_hex(out: &mut String, x: f64, prec: Option<usize>, upper: bool) {
    let (neg, mant, mut exp) = decompose(x);
    let mut mant = mant;
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 at bit 60, leaving the fraction in 15 nibbles.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|&p| p < 15) {
        let shift = p * 4;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(if upper { 'X' } else { 'x' });
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    match prec {
        None if mant != 0 => {
            out.push('.');
            while mant != 0 {
                out.push(char::from(hex[((mant >> 60) & 15) as usize]));
                mant <<= 4;
            }
        }
        Some(p) if p > 0 => {
            out.push('.');
            for _ in 0..p {
                out.push(char::from(hex[((mant >> 60) & 15) as usize]));
                mant <<= 4;
            }
        }
        _ => {}
    }
    out.push(if upper { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

#[cfg(test)]
mod tests {
    use super::FloatFormat::*;
    use super::*;

    fn f(x: f64, format: FloatFormat, prec: Option<usize>) -> String {
        format_float(x, format, prec)
    }

    #[test]
    fn shortest_general() {
        assert_eq!(f(1e6, General, None), "1e+06");
        assert_eq!(f(100000.0, General, None), "100000");
        assert_eq!(f(1.5e-5, General, None), "1.5e-05");
        assert_eq!(f(0.0001, General, None), "0.0001");
        assert_eq!(f(2.75, General, None), "2.75");
        assert_eq!(f(-0.0, General, None), "-0");
        assert_eq!(f(1e21, General, None), "1e+21");
        assert_eq!(f(123456789.0, General, None), "1.23456789e+08");
        assert_eq!(f(5e-324, General, None), "5e-324");
        assert_eq!(f(f64::MAX, General, None), "1.7976931348623157e+308");
        // A tie between two 17-digit candidates goes to the even one.
        assert_eq!(
            f(f64::from_bits(0x430e_2f3c_6ae5_b3d2), Fixed, None),
            "1062023229912698.2"
        );
    }

    #[test]
    fn fixed_precisions() {
        assert_eq!(f(1.23456, Fixed, Some(2)), "1.23");
        assert_eq!(f(2.5, Fixed, Some(0)), "2");
        assert_eq!(f(0.125, Fixed, Some(2)), "0.12");
        assert_eq!(f(-0.0001, Fixed, Some(2)), "-0.00");
        assert_eq!(f(1e6, Exp, Some(6)), "1.000000e+06");
        assert_eq!(f(0.0, Exp, Some(2)), "0.00e+00");
        assert_eq!(f(1.0, General, Some(3)), "1");
        assert_eq!(f(1000.0, General, Some(3)), "1e+03");
        assert_eq!(f(123456.0, General, Some(3)), "1.23e+05");
        assert_eq!(f(1e100, Exp, None), "1e+100");
        assert_eq!(f(1.5, Fixed, None), "1.5");
        // Precisions past what Rust's formatter accepts.
        assert_eq!(f(0.5, Fixed, Some(70_000)).len(), 70_002);
        let e = f(0.1, Exp, Some(1_000_000));
        assert!(e.starts_with("1.000000000000000055511151231257827") && e.ends_with("000e-01"));
        assert_eq!(f(0.1, General, Some(100_000)), f(0.1, General, Some(60)));
    }

    #[test]
    fn binary_and_hex() {
        assert_eq!(f(1.0, Binary, None), "4503599627370496p-52");
        assert_eq!(f(0.0, Binary, None), "0p-1074");
        assert_eq!(f(3.0, Hex, None), "0x1.8p+01");
        assert_eq!(f(1.0, Hex, None), "0x1p+00");
        assert_eq!(f(0.0, Hex, None), "0x0p+00");
        assert_eq!(f(-1.0, HexUpper, Some(2)), "-0X1.00P+00");
        assert_eq!(f(1.96875, Hex, Some(0)), "0x1p+01");
    }
}
