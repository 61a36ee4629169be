//! Kubernetes resource quantities (`500m`, `4Gi`, `1e3`, `"110"`) as exact
//! integers of milli-units, so sums and comparisons never round.

/// A quantity in thousandths of its unit (`1` CPU = 1000, `1Ki` = 1_024_000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Quantity(pub i128);

impl Quantity {
    /// Parses Kubernetes' quantity syntax: a decimal number and an optional
    /// binary (`Ki`…`Ei`), decimal (`n u m k M G T P E`) or exponent
    /// (`e3`, `E-2`) suffix.
    pub fn parse(text: &str) -> Option<Quantity> {
        let t = text.trim();
        let (neg, t) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, suffix) = t.split_at(split);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        // value = digits * 10^(-frac_len) * multiplier * 1000
        let digits: i128 = format!("{int_part}{frac_part}").parse().ok()?;
        let mut scale_num: i128 = 1000;
        let mut scale_den: i128 = 10i128.checked_pow(frac_part.len() as u32)?;
        let pow = |b: i128, e: u32| b.checked_pow(e);
        match suffix {
            "" => {}
            "Ki" => scale_num *= pow(1024, 1)?,
            "Mi" => scale_num *= pow(1024, 2)?,
            "Gi" => scale_num *= pow(1024, 3)?,
            "Ti" => scale_num *= pow(1024, 4)?,
            "Pi" => scale_num *= pow(1024, 5)?,
            "Ei" => scale_num *= pow(1024, 6)?,
            "n" => scale_den *= pow(10, 9)?,
            "u" => scale_den *= pow(10, 6)?,
            "m" => scale_den *= 1000,
            "k" => scale_num *= pow(10, 3)?,
            "M" => scale_num *= pow(10, 6)?,
            "G" => scale_num *= pow(10, 9)?,
            "T" => scale_num *= pow(10, 12)?,
            "P" => scale_num *= pow(10, 15)?,
            "E" => scale_num *= pow(10, 18)?,
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().ok()?;
                if e.unsigned_abs() > 30 {
                    return None;
                }
                if e >= 0 {
                    scale_num *= pow(10, e as u32)?;
                } else {
                    scale_den *= pow(10, e.unsigned_abs())?;
                }
            }
            _ => return None,
        }
        let v = digits.checked_mul(scale_num)?;
        // Kubernetes rounds fractions of the smallest unit up.
        let q = (v + scale_den - 1) / scale_den;
        Some(Quantity(if neg { -q } else { q }))
    }

    /// Human form: CPU in cores (`3.5`), byte-like amounts in Gi/Mi, others as counts.
    pub fn display(self, resource: &str) -> String {
        let v = self.0;
        if resource == "memory" || resource.ends_with("/epc") || resource.contains("storage") {
            let bytes = v as f64 / 1000.0;
            let gi = 1024.0 * 1024.0 * 1024.0;
            if bytes >= gi {
                return trim(format!("{:.2}", bytes / gi)) + "Gi";
            }
            return trim(format!("{:.1}", bytes / (1024.0 * 1024.0))) + "Mi";
        }
        if resource == "cpu" {
            return trim(format!("{:.3}", v as f64 / 1000.0));
        }
        trim(format!("{:.3}", v as f64 / 1000.0))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(Quantity::parse("500m"), Some(Quantity(500)));
        assert_eq!(Quantity::parse("2"), Some(Quantity(2000)));
        assert_eq!(Quantity::parse("1.5"), Some(Quantity(1500)));
        assert_eq!(Quantity::parse("4Gi"), Some(Quantity(4 * (1 << 30) * 1000)));
        assert_eq!(Quantity::parse("1e3"), Some(Quantity(1_000_000)));
        assert_eq!(Quantity::parse("1k"), Quantity::parse("1000"));
        assert_eq!(Quantity::parse("abc"), None);
        assert_eq!(Quantity::parse("1Xi"), None);
        assert_eq!(Quantity::parse(""), None);
        assert_eq!(Quantity::parse("4Gi").unwrap().display("memory"), "4Gi");
        assert_eq!(Quantity::parse("3500m").unwrap().display("cpu"), "3.5");
    }
}
