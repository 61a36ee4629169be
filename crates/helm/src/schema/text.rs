//! The wording of the Go JSON Schema validator Helm uses
//! (santhosh-tekuri/jsonschema v6.0.2): its quoting, and numbers as its
//! English `golang.org/x/text/message` printer spells them (`1,000`,
//! `1.5×10⁰⁸`), which is what users see in Helm's schema errors.

use crate::json::go_quote;

/// The validator's `quote`: Go's `%q` with double quotes left bare and
/// single quotes escaped, wrapped in single quotes (`'a\'b"c'`).
pub(crate) fn quote(s: &str) -> String {
    let q = go_quote(s);
    let inner = &q[1..q.len() - 1];
    let inner = inner.replace("\\\"", "\"").replace('\'', "\\'");
    format!("'{inner}'")
}

/// `quote` over each item, joined by `sep`.
pub(crate) fn join_quoted<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    items
        .iter()
        .map(|s| quote(s.as_ref()))
        .collect::<Vec<_>>()
        .join(sep)
}

/// An integer as the English printer's `%d` prints it: digits grouped by
/// three with commas.
pub(crate) fn localized_int(n: usize) -> String {
    group(&n.to_string())
}

/// A float64 as the English printer's `%v` prints it. The printer decides
/// between decimal and scientific form as `%g` with the shortest digits
/// does (exponent below -4 or at least 6 means scientific, unless the
/// digits need more room), groups the integer part of the decimal form,
/// and writes exponents as `×10` with superscript digits (at least two).
pub(crate) fn localized_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    if x == 0.0 {
        // big.Rat has no negative zero: the validator converts through it.
        return "0".to_string();
    }
    let g = crate::json::go_format_g(x);
    let (neg, body) = match g.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, g.as_str()),
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if let Some((mantissa, exp)) = body.split_once('e') {
        out.push_str(mantissa);
        out.push_str("×10");
        let (eneg, digits) = match exp.as_bytes().first() {
            Some(b'-') => (true, &exp[1..]),
            Some(b'+') => (false, &exp[1..]),
            _ => (false, exp),
        };
        if eneg {
            out.push('⁻');
        }
        let digits = digits.trim_start_matches('0');
        let digits = if digits.len() < 2 {
            format!("{digits:0>2}")
        } else {
            digits.to_string()
        };
        out.extend(digits.chars().map(superscript));
        return out;
    }
    match body.split_once('.') {
        Some((int, frac)) => {
            out.push_str(&group(int));
            out.push('.');
            out.push_str(frac);
        }
        None => out.push_str(&group(body)),
    }
    out
}

fn superscript(d: char) -> char {
    match d {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        other => other,
    }
}

/// Commas between groups of three digits of an ASCII digit string.
fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_the_english_printer_spells_them() {
        // Each pair was printed by Helm v4.2.3 in a `maximum` error.
        let cases = [
            (1e21, "1×10²¹"),
            (1e-7, "1×10⁻⁰⁷"),
            (0.000123, "0.000123"),
            (123456789.125, "1.23456789125×10⁰⁸"),
            (1e6, "1×10⁰⁶"),
            (-1500.5, "-1,500.5"),
            (12345678901234567890.0, "1.2345678901234567×10¹⁹"),
            (-0.0, "0"),
            (5e-324, "5×10⁻³²⁴"),
            (100.0, "100"),
            (-1e300, "-1×10³⁰⁰"),
            (1234.5, "1,234.5"),
            (1000.25, "1,000.25"),
        ];
        for (x, want) in cases {
            assert_eq!(localized_float(x), want, "{x}");
        }
    }

    #[test]
    fn ints_and_quotes() {
        assert_eq!(localized_int(1000), "1,000");
        assert_eq!(localized_int(999), "999");
        assert_eq!(localized_int(1234567), "1,234,567");
        assert_eq!(quote("hello\nwor'ld"), r"'hello\nwor\'ld'");
        assert_eq!(quote("a\"b"), "'a\"b'");
    }
}
