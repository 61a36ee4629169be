//! TOML date-times as `fromToml` returns them: Go `time.Time` values in
//! the zones BurntSushi/toml gives them (`UTC` for a zero offset, an
//! unnamed fixed zone otherwise, `datetime-local`, `date-local` and
//! `time-local` for the local forms). Printed with `Time.String()`;
//! `toJson`/`toYaml` see the RFC 3339 text `encoding/json` writes.

use capstan_gotmpl::{Object, Value};

/// One parsed TOML date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TomlTime {
    pub(crate) year: i32,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) nanos: u32,
    /// Offset in seconds east of UTC.
    pub(crate) offset: i32,
    pub(crate) zone: Zone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    /// A zero offset: Go picks the local zone, `UTC` under `TZ=UTC`.
    Utc,
    /// `time.FixedZone("", offset)`: printed as the offset.
    Fixed,
    DatetimeLocal,
    DateLocal,
    TimeLocal,
}

impl TomlTime {
    fn frac(&self, trim: bool) -> String {
        if self.nanos == 0 {
            return String::new();
        }
        let s = format!("{:09}", self.nanos);
        let s = if trim { s.trim_end_matches('0') } else { &s };
        format!(".{s}")
    }

    fn offset_text(&self, colon: bool) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let a = self.offset.unsigned_abs();
        let (h, m) = (a / 3600, (a % 3600) / 60);
        if colon {
            format!("{sign}{h:02}:{m:02}")
        } else {
            format!("{sign}{h:02}{m:02}")
        }
    }

    fn date_time(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Go's `Time.String()`.
    pub(crate) fn go_string(&self) -> String {
        let zone = match self.zone {
            Zone::Utc => "UTC".to_string(),
            Zone::Fixed => self.offset_text(false),
            Zone::DatetimeLocal => "datetime-local".to_string(),
            Zone::DateLocal => "date-local".to_string(),
            Zone::TimeLocal => "time-local".to_string(),
        };
        format!(
            "{}{} {} {zone}",
            self.date_time(),
            self.frac(true),
            self.offset_text(false)
        )
    }

    /// `encoding/json`'s RFC 3339 text (`Z` for a zero offset).
    pub(crate) fn rfc3339(&self) -> String {
        let off = if self.offset == 0 {
            "Z".to_string()
        } else {
            self.offset_text(true)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{off}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.frac(true)
        )
    }
}

impl Object for TomlTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn go_format(&self) -> String {
        self.go_string()
    }

    fn to_value(&self) -> Option<Value> {
        Some(Value::from(self.rfc3339()))
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    let d = s.get(..n)?;
    if d.bytes().all(|b| b.is_ascii_digit()) {
        d.parse().ok()
    } else {
        None
    }
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// `HH:MM[:SS[.frac]]` at the start of `s`; the rest of `s` after it.
/// Hour, minute, second and nanoseconds.
type Clock = (u32, u32, u32, u32);

fn parse_clock(s: &str) -> Option<(Clock, &str)> {
    let h = digits(s, 2)?;
    if s.as_bytes().get(2) != Some(&b':') {
        return None;
    }
    let m = digits(&s[3..], 2)?;
    let mut rest = &s[5..];
    let (mut sec, mut nanos) = (0, 0);
    if rest.starts_with(':') {
        sec = digits(&rest[1..], 2)?;
        rest = &rest[3..];
        if let Some(f) = rest.strip_prefix('.') {
            let n = f.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            let kept = &f[..n.min(9)];
            nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
            rest = &f[n..];
        }
    }
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some(((h, m, sec, nanos), rest))
}

/// A TOML date, time or date-time (after BurntSushi's replacements of `t`,
/// ` ` by `T` and `z` by `Z`), or `None` when Go's layouts reject it.
pub(crate) fn parse_datetime(text: &str) -> Option<TomlTime> {
    let s: String = text
        .chars()
        .enumerate()
        .map(|(i, c)| match c {
            't' | ' ' if i == 10 => 'T',
            'z' => 'Z',
            c => c,
        })
        .collect();
    let mut t = TomlTime {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
        zone: Zone::TimeLocal,
    };
    if s.as_bytes().get(2) == Some(&b':') {
        let ((h, m, sec, n), rest) = parse_clock(&s)?;
        if !rest.is_empty() {
            return None;
        }
        (t.hour, t.minute, t.second, t.nanos) = (h, m, sec, n);
        return Some(t);
    }
    let y = digits(&s, 4)?;
    let b = s.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mo = digits(&s[5..], 2)?;
    let d = digits(&s[8..], 2)?;
    t.year = y as i32;
    if !(1..=12).contains(&mo) || d == 0 || d > days_in(t.year, mo) {
        return None;
    }
    (t.month, t.day) = (mo, d);
    if s.len() == 10 {
        t.zone = Zone::DateLocal;
        return Some(t);
    }
    if b.get(10) != Some(&b'T') {
        return None;
    }
    let ((h, m, sec, n), rest) = parse_clock(&s[11..])?;
    (t.hour, t.minute, t.second, t.nanos) = (h, m, sec, n);
    if rest.is_empty() {
        t.zone = Zone::DatetimeLocal;
        return Some(t);
    }
    if rest == "Z" {
        t.zone = Zone::Utc;
        return Some(t);
    }
    let sign = match rest.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    let oh = digits(&rest[1..], 2)?;
    if rest.as_bytes().get(3) != Some(&b':') || rest.len() != 6 {
        return None;
    }
    let om = digits(&rest[4..], 2)?;
    if oh > 23 || om > 59 {
        return None;
    }
    t.offset = sign * (oh * 3600 + om * 60) as i32;
    t.zone = if t.offset == 0 {
        Zone::Utc
    } else {
        Zone::Fixed
    };
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_prints() {
        // Printed by Helm v4.2.3 (`printf "%v"` and `toJson`).
        let cases = [
            (
                "1979-05-27T07:32:00Z",
                "1979-05-27 07:32:00 +0000 UTC",
                "1979-05-27T07:32:00Z",
            ),
            (
                "1979-05-27T07:32:00",
                "1979-05-27 07:32:00 +0000 datetime-local",
                "1979-05-27T07:32:00Z",
            ),
            (
                "1979-05-27",
                "1979-05-27 00:00:00 +0000 date-local",
                "1979-05-27T00:00:00Z",
            ),
            (
                "07:32:00",
                "0000-01-01 07:32:00 +0000 time-local",
                "0000-01-01T07:32:00Z",
            ),
            (
                "1979-05-27T00:32:00.999999-07:00",
                "1979-05-27 00:32:00.999999 -0700 -0700",
                "1979-05-27T00:32:00.999999-07:00",
            ),
        ];
        for (src, s, j) in cases {
            let t = parse_datetime(src).expect(src);
            assert_eq!(t.go_string(), s);
            assert_eq!(t.rfc3339(), j);
        }
        assert!(parse_datetime("1979-02-30").is_none());
        assert!(parse_datetime("1979-5-27").is_none());
    }
}
