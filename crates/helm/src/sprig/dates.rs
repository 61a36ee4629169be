//! Sprig's date functions (`now`, `date`, `dateInZone`, `htmlDate`,
//! `toDate`, `dateModify`, `duration`, `durationRound`, `ago`,
//! `unixEpoch`), the `time.Time` value templates see (with `Format`,
//! `Unix`, `Year`... methods) and Go's `time.Duration` text.
//!
//! "Local" is the process' zone (`TZ`), as in Go; named zones come from the
//! system's zoneinfo.

use std::sync::{Arc, LazyLock};

use capstan_gotmpl::{FuncError, Object, ParamType, Signature, Value};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::golayout::{self, Civil, ParsedZone};
use super::{ANY, Registry, STR, arg, arg_str, fail};

pub(super) fn register(r: &mut Registry) {
    r.fixed("now", &[], |_| Ok(time_value(GoTime::now())));
    r.fixed("date", &[STR, ANY], |a| {
        Ok(Value::from(date_in_zone(arg_str(a, 0), arg(a, 1), "Local")))
    });
    for name in ["dateInZone", "date_in_zone"] {
        r.fixed(name, &[STR, ANY, STR], |a| {
            Ok(Value::from(date_in_zone(
                arg_str(a, 0),
                arg(a, 1),
                arg_str(a, 2),
            )))
        });
    }
    r.fixed("htmlDate", &[ANY], |a| {
        Ok(Value::from(date_in_zone("2006-01-02", arg(a, 0), "Local")))
    });
    r.fixed("htmlDateInZone", &[ANY, STR], |a| {
        Ok(Value::from(date_in_zone(
            "2006-01-02",
            arg(a, 0),
            arg_str(a, 1),
        )))
    });
    for name in ["dateModify", "date_modify"] {
        r.fixed(name, &[STR, ANY], |a| {
            let t = expect_time(arg(a, 1))?;
            Ok(time_value(match parse_duration(arg_str(a, 0)) {
                Ok(d) => t.add(d),
                Err(_) => t,
            }))
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        r.fixed(name, &[STR, ANY], |a| {
            let t = expect_time(arg(a, 1))?;
            let d = parse_duration(arg_str(a, 0)).map_err(fail)?;
            Ok(time_value(t.add(d)))
        });
    }
    r.fixed("toDate", &[STR, STR], |a| {
        Ok(time_value(
            parse_in_local(arg_str(a, 0), arg_str(a, 1)).unwrap_or_else(|_| GoTime::zero()),
        ))
    });
    r.fixed("mustToDate", &[STR, STR], |a| {
        Ok(time_value(
            parse_in_local(arg_str(a, 0), arg_str(a, 1)).map_err(fail)?,
        ))
    });
    r.fixed("unixEpoch", &[ANY], |a| {
        let t = expect_time(arg(a, 0))?;
        Ok(Value::from(t.unix().to_string()))
    });
    r.fixed("ago", &[ANY], |a| {
        let t = match arg(a, 0) {
            Value::Int(n) | Value::Int64(n) => GoTime::from_unix(*n, 0),
            v => time_of(v).unwrap_or_else(GoTime::now),
        };
        let since = GoTime::now().nanos - t.nanos;
        Ok(Value::from(duration_string(round_to_second(since))))
    });
    r.fixed("duration", &[ANY], |a| {
        let n = match arg(a, 0) {
            Value::String(s) => super::conv::parse_int(s, 10).unwrap_or(0),
            Value::Int64(n) => *n,
            _ => 0,
        };
        Ok(Value::from(duration_string(i128::from(
            n.wrapping_mul(1_000_000_000),
        ))))
    });
    r.fixed("durationRound", &[ANY], |a| {
        let d: i128 = match arg(a, 0) {
            Value::String(s) => parse_duration(s).unwrap_or(0),
            Value::Int64(n) => i128::from(*n),
            v => time_of(v).map_or(0, |t| GoTime::now().nanos - t.nanos),
        };
        Ok(Value::from(duration_round(d)))
    });
}

/// A Go `time.Time`: an instant and a location.
#[derive(Debug, Clone)]
pub(crate) struct GoTime {
    /// Nanoseconds since the Unix epoch.
    nanos: i128,
    tz: TimeZone,
    /// A fixed zone's name from a parsed `MST`-style element.
    fixed_name: Option<String>,
}

fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// Go's `time.LoadLocation`, falling back to UTC as Sprig does.
fn load_location(name: &str) -> TimeZone {
    match name {
        "" | "UTC" => TimeZone::UTC,
        "Local" => local_zone(),
        other => TimeZone::get(other).unwrap_or(TimeZone::UTC),
    }
}

/// Go's zero time, `0001-01-01 00:00:00 UTC`.
const ZERO_UNIX: i128 = -62_135_596_800;

impl GoTime {
    fn now() -> GoTime {
        GoTime {
            nanos: Timestamp::now().as_nanosecond(),
            tz: local_zone(),
            fixed_name: None,
        }
    }

    fn zero() -> GoTime {
        GoTime {
            nanos: ZERO_UNIX * 1_000_000_000,
            tz: TimeZone::UTC,
            fixed_name: None,
        }
    }

    fn from_unix(secs: i64, nanos: i64) -> GoTime {
        GoTime {
            nanos: i128::from(secs) * 1_000_000_000 + i128::from(nanos),
            tz: local_zone(),
            fixed_name: None,
        }
    }

    fn unix(&self) -> i64 {
        self.nanos.div_euclid(1_000_000_000) as i64
    }

    fn add(&self, d: i128) -> GoTime {
        GoTime {
            nanos: self.nanos + d,
            ..self.clone()
        }
    }

    fn in_zone(&self, tz: TimeZone) -> GoTime {
        GoTime {
            nanos: self.nanos,
            tz,
            fixed_name: None,
        }
    }

    /// The civil time in this time's location; times outside jiff's range
    /// (beyond year ±9999) are clamped.
    fn civil(&self) -> Civil {
        let ts = Timestamp::from_nanosecond(self.nanos).unwrap_or(if self.nanos < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        let info = self.tz.to_offset_info(ts);
        let offset = info.offset();
        let abbrev = match &self.fixed_name {
            Some(n) => n.clone(),
            None if self.tz.iana_name() == Some("UTC") || self.tz == TimeZone::UTC => "UTC".into(),
            None => {
                let a = info.abbreviation();
                // Go names a fixed zone without abbreviation by its offset.
                if a.starts_with(['+', '-']) {
                    String::new()
                } else {
                    a.to_string()
                }
            }
        };
        Civil {
            dt: offset.to_datetime(ts),
            offset: offset.seconds(),
            abbrev,
        }
    }

    fn format(&self, layout: &str) -> String {
        golayout::format(&self.civil(), layout)
    }
}

fn time_value(t: GoTime) -> Value {
    Value::Object(Arc::new(t))
}

/// The hidden method through which a `time.Time` object hands its
/// contents back to these functions (objects are opaque trait objects; a
/// name with a NUL byte cannot be written in a template).
const INTERNALS: &str = "\0time";

/// The `time.Time` inside a value, if it is one.
fn time_of(v: &Value) -> Option<GoTime> {
    let Value::Object(o) = v else { return None };
    if o.type_name() != "time.Time" {
        return None;
    }
    let parts = o.call_method(INTERNALS, &[]).ok()?;
    let parts = parts.as_list()?;
    let nanos: i128 = parts.first()?.as_str()?.parse().ok()?;
    let zone = parts.get(1)?.as_str()?;
    let fixed_name = parts
        .get(2)?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let offset = match parts.get(3)? {
        Value::Int(n) => *n as i32,
        _ => 0,
    };
    let tz = match zone {
        "" => jiff::tz::Offset::from_seconds(offset).map_or(TimeZone::UTC, TimeZone::fixed),
        "Local" => local_zone(),
        name => TimeZone::get(name).unwrap_or(TimeZone::UTC),
    };
    Some(GoTime {
        nanos,
        tz,
        fixed_name,
    })
}

/// A `time.Time` parameter: Go's evaluator would refuse anything else.
fn expect_time(v: &Value) -> Result<GoTime, FuncError> {
    time_of(v).ok_or_else(|| {
        fail(format!(
            "wrong type for value; expected time.Time; got {}",
            v.go_type_name()
        ))
    })
}

/// Sprig's `dateInZone`: a time, or Unix seconds (int, int64); anything
/// else (a float from values included) means "now".
fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let t = match date {
        Value::Int(n) | Value::Int64(n) => GoTime::from_unix(*n, 0),
        v => time_of(v).unwrap_or_else(GoTime::now),
    };
    t.in_zone(load_location(zone)).format(layout)
}

/// `time.ParseInLocation(layout, value, time.Local)`.
fn parse_in_local(layout: &str, value: &str) -> Result<GoTime, String> {
    let (dt, zone) = golayout::parse(layout, value)?;
    let local = local_zone();
    let at = |tz: &TimeZone| -> Result<i128, String> {
        let ts = tz
            .to_ambiguous_timestamp(dt)
            .compatible()
            .map_err(|e| e.to_string())?;
        Ok(ts.as_nanosecond())
    };
    Ok(match zone {
        ParsedZone::None => GoTime {
            nanos: at(&local)?,
            tz: local,
            fixed_name: None,
        },
        ParsedZone::Utc => GoTime {
            nanos: at(&TimeZone::UTC)?,
            tz: TimeZone::UTC,
            fixed_name: None,
        },
        ParsedZone::Offset(off, name) => {
            let fixed =
                TimeZone::fixed(jiff::tz::Offset::from_seconds(off).map_err(|e| e.to_string())?);
            let nanos = at(&fixed)?;
            let local_info =
                local.to_offset_info(Timestamp::from_nanosecond(nanos).map_err(|e| e.to_string())?);
            if local_info.offset().seconds() == off
                && (name.is_empty() || local_info.abbreviation() == name)
            {
                GoTime {
                    nanos,
                    tz: local,
                    fixed_name: None,
                }
            } else {
                GoTime {
                    nanos,
                    tz: fixed,
                    fixed_name: Some(name),
                }
            }
        }
        ParsedZone::Name(name) => {
            let utc = at(&TimeZone::UTC)?;
            let ts = Timestamp::from_nanosecond(utc).map_err(|e| e.to_string())?;
            let info = local.to_offset_info(ts);
            if info.abbreviation() == name {
                let off = i128::from(info.offset().seconds()) * 1_000_000_000;
                GoTime {
                    nanos: utc - off,
                    tz: local,
                    fixed_name: None,
                }
            } else {
                let off = name
                    .strip_prefix("GMT")
                    .and_then(|h| h.parse::<i32>().ok())
                    .map_or(0, |h| h * 3600);
                let fixed =
                    jiff::tz::Offset::from_seconds(off).map_or(TimeZone::UTC, TimeZone::fixed);
                GoTime {
                    nanos: utc,
                    tz: fixed,
                    fixed_name: Some(name),
                }
            }
        }
    })
}

fn round_to_second(d: i128) -> i128 {
    // Go's Duration.Round(time.Second): halves away from zero.
    let s = 1_000_000_000;
    let r = d % s;
    if d < 0 {
        if -r * 2 >= s { d - r - s } else { d - r }
    } else if r * 2 >= s {
        d - r + s
    } else {
        d - r
    }
}

/// Sprig's `durationRound`: the largest whole unit (y = 365 days, mo = 30).
fn duration_round(d: i128) -> String {
    let u = d.unsigned_abs();
    let hour: u128 = 3_600_000_000_000;
    let units: [(u128, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return format!("{}{name}", u / size);
        }
    }
    "0s".to_string()
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub(crate) fn duration_string(d: i128) -> String {
    let d = d.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    if u == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0..1_000 => (0, "ns"),
            1_000..1_000_000 => (3, "µs"),
            _ => (6, "ms"),
        };
        let (frac, int) = frac_part(u, prec);
        out.push_str(&int.to_string());
        out.push_str(&frac);
        out.push_str(unit);
    } else {
        let (frac, secs) = frac_part(u, 9);
        u = secs;
        let s = u % 60;
        u /= 60;
        if u > 0 {
            let m = u % 60;
            u /= 60;
            if u > 0 {
                out.push_str(&format!("{u}h"));
            }
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&format!("{s}{frac}s"));
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Splits `v` into `v / 10^prec` and the fraction text (`.5`, trailing
/// zeros dropped, empty when zero).
fn frac_part(v: u128, prec: u32) -> (String, u128) {
    let p = 10u128.pow(prec);
    let (int, frac) = (v / p, v % p);
    if frac == 0 {
        return (String::new(), int);
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    (format!(".{}", digits.trim_end_matches('0')), int)
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(s: &str) -> Result<i128, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", super::strings::go_quote(orig));
    let (neg, mut s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &rest[..n];
            s = &rest[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(s.len(), |(i, _)| i);
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    super::strings::go_quote(orig)
                ));
            }
            u => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::strings::go_quote(u),
                    super::strings::go_quote(orig)
                ));
            }
        };
        let int: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut value = int.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            let digits = &frac_part[..frac_part.len().min(30)];
            let f: i128 = digits.parse().map_err(|_| invalid())?;
            value += f * scale / 10i128.pow(digits.len() as u32);
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > i128::from(i64::MAX) {
            return Err(invalid());
        }
    }
    Ok(if neg { -total } else { total })
}

static SIG_NONE: LazyLock<Signature> = LazyLock::new(|| Signature::fixed(&[]));
static SIG_STR: LazyLock<Signature> = LazyLock::new(|| Signature::fixed(&[ParamType::String]));

impl Object for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn method(&self, name: &str) -> Option<&Signature> {
        match name {
            "Format" => Some(&SIG_STR),
            "Unix" | "UnixMilli" | "UnixNano" | "Year" | "Month" | "Day" | "Hour" | "Minute"
            | "Second" | "Nanosecond" | "YearDay" | "Weekday" | "UTC" | "Local" | "IsZero"
            | "String" | INTERNALS => Some(&SIG_NONE),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let c = self.civil();
        let (date, dt) = (c.dt.date(), c.dt);
        Ok(match name {
            "Format" => {
                Value::from(self.format(args.first().and_then(Value::as_str).unwrap_or("")))
            }
            "Unix" => Value::Int64(self.unix()),
            "UnixMilli" => Value::Int64(self.nanos.div_euclid(1_000_000) as i64),
            "UnixNano" => Value::Int64(self.nanos as i64),
            "Year" => Value::Int(i64::from(date.year())),
            "Month" => Value::from(golayout::format(&c, "January")),
            "Day" => Value::Int(i64::from(date.day())),
            "Hour" => Value::Int(i64::from(dt.hour())),
            "Minute" => Value::Int(i64::from(dt.minute())),
            "Second" => Value::Int(i64::from(dt.second())),
            "Nanosecond" => Value::Int(i64::from(dt.subsec_nanosecond())),
            "YearDay" => Value::Int(i64::from(date.day_of_year())),
            "Weekday" => Value::from(golayout::format(&c, "Monday")),
            "UTC" => time_value(self.in_zone(TimeZone::UTC)),
            "Local" => time_value(self.in_zone(local_zone())),
            "IsZero" => Value::Bool(self.nanos == ZERO_UNIX * 1_000_000_000),
            "String" => Value::from(self.go_format()),
            INTERNALS => {
                let zone = if self.fixed_name.is_some() {
                    String::new()
                } else if self.tz == local_zone() {
                    "Local".to_string()
                } else {
                    self.tz.iana_name().unwrap_or("").to_string()
                };
                Value::list(vec![
                    Value::from(self.nanos.to_string()),
                    Value::from(zone),
                    Value::from(self.fixed_name.clone().unwrap_or_default()),
                    Value::Int(i64::from(c.offset)),
                ])
            }
            _ => return Err(fail(format!("can't call method/function {name:?}"))),
        })
    }

    /// Go's `Time.String()`.
    fn go_format(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
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
    use super::*;

    #[test]
    fn durations_print_as_go() {
        for (n, want) in [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (1_500_000, "1.5ms"),
            (90_000_000_000, "1m30s"),
            (3_600_000_000_000, "1h0m0s"),
            (-61_500_000_000, "-1m1.5s"),
        ] {
            assert_eq!(duration_string(n), want, "{n}");
        }
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-1.5s").unwrap(), -1_500_000_000);
        assert_eq!(
            parse_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(
            parse_duration("1").unwrap_err(),
            "time: missing unit in duration \"1\""
        );
        assert_eq!(call_str("duration", &[s("95")]), "1m35s");
        assert_eq!(call_str("durationRound", &[s("2h10m")]), "2h");
        assert_eq!(call_str("durationRound", &[s("400h")]), "16d");
    }

    #[test]
    fn dates_format_in_zones() {
        assert_eq!(
            call_str(
                "dateInZone",
                &[s("2006-01-02 15:04 MST"), Value::Int64(0), s("UTC")]
            ),
            "1970-01-01 00:00 UTC"
        );
        assert_eq!(
            call_str(
                "dateInZone",
                &[
                    s("2006-01-02T15:04:05Z07:00"),
                    i(1_700_000_000),
                    s("Europe/Berlin")
                ]
            ),
            "2023-11-14T23:13:20+01:00"
        );
        assert_eq!(
            call_str("htmlDateInZone", &[i(0), s("Nowhere/Else")]),
            "1970-01-01"
        );
    }

    #[test]
    fn to_date_and_modify() {
        let t = call(
            "toDate",
            &[
                s("2006-01-02T15:04:05Z07:00"),
                s("2020-05-06T07:08:09+02:00"),
            ],
        )
        .unwrap();
        assert_eq!(call_str("unixEpoch", &[t.clone()]), "1588741689");
        let later = call("dateModify", &[s("1h30m"), t.clone()]).unwrap();
        assert_eq!(
            call_str("dateInZone", &[s("15:04"), later, s("UTC")]),
            "06:38"
        );
        let same = call("dateModify", &[s("bogus"), t.clone()]).unwrap();
        assert_eq!(call_str("unixEpoch", &[same]), "1588741689");
        assert!(call("mustToDate", &[s("2006"), s("x")]).is_err());
        let zero = call("toDate", &[s("2006"), s("x")]).unwrap();
        assert_eq!(call_str("unixEpoch", &[zero]), "-62135596800");
        assert!(call("unixEpoch", &[s("x")]).is_err());
    }
}
