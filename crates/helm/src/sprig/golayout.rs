//! Go's reference-time layouts (`2006-01-02T15:04:05Z07:00`, `Jan _2`,
//! `.000`, `.999`, `MST`...): the tokenizer of Go's `time` package, and
//! formatting and parsing of civil times with it.

use jiff::civil::{Date, DateTime, Time};

/// One layout element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// `.000` (fixed digits) with its separator and digit count.
    FracSecond0(u8, usize),
    /// `.999` (trailing zeros trimmed) with its separator and digit count.
    FracSecond9(u8, usize),
}

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Go's `nextStdChunk`: the literal prefix, the element, and the rest.
pub(crate) fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s);
    let lower_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if at(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if at(i, "Jan") && !lower_at(i + 3) => Some((Std::Month, 3)),
            b'M' if at(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if at(i, "Mon") && !lower_at(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if at(i, "MST") => Some((Std::Tz, 3)),
            b'0' if matches!(b.get(i + 1), Some(b'1'..=b'6')) => Some((
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][usize::from(b[i + 1] - b'1')],
                2,
            )),
            b'0' if at(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if at(i, "_2006") => {
                // A literal `_` followed by the year.
                return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
            }
            b'_' if at(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if at(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if at(i, "PM") => Some((Std::PM, 2)),
            b'p' if at(i, "pm") => Some((Std::Pm, 2)),
            b'-' if at(i, "-070000") => Some((Std::NumSecondsTz, 7)),
            b'-' if at(i, "-07:00:00") => Some((Std::NumColonSecondsTz, 9)),
            b'-' if at(i, "-0700") => Some((Std::NumTz, 5)),
            b'-' if at(i, "-07:00") => Some((Std::NumColonTz, 6)),
            b'-' if at(i, "-07") => Some((Std::NumShortTz, 3)),
            b'Z' if at(i, "Z070000") => Some((Std::Iso8601SecondsTz, 7)),
            b'Z' if at(i, "Z07:00:00") => Some((Std::Iso8601ColonSecondsTz, 9)),
            b'Z' if at(i, "Z0700") => Some((Std::Iso8601Tz, 5)),
            b'Z' if at(i, "Z07:00") => Some((Std::Iso8601ColonTz, 6)),
            b'Z' if at(i, "Z07") => Some((Std::Iso8601ShortTz, 3)),
            sep @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                // Only a fractional second if no digit follows.
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else if ch == b'0' {
                    Some((Std::FracSecond0(sep, j - i - 1), j - i))
                } else {
                    Some((Std::FracSecond9(sep, j - i - 1), j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

/// A civil time with its zone offset (seconds east of UTC) and name.
#[derive(Debug, Clone)]
pub(crate) struct Civil {
    pub(crate) dt: DateTime,
    pub(crate) offset: i32,
    pub(crate) abbrev: String,
}

fn pad(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", n.unsigned_abs()));
}

/// Go's `Time.Format`.
pub(crate) fn format(c: &Civil, layout: &str) -> String {
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    let (dt, date) = (c.dt, c.dt.date());
    let hour = i64::from(dt.hour());
    while !rest.is_empty() {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = suffix;
        match std {
            Std::Year => pad(&mut out, (i64::from(date.year()) % 100).abs(), 2),
            Std::LongYear => pad(&mut out, i64::from(date.year()), 4),
            Std::Month => out.push_str(&LONG_MONTHS[month_index(date)][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[month_index(date)]),
            Std::NumMonth => out.push_str(&date.month().to_string()),
            Std::ZeroMonth => pad(&mut out, i64::from(date.month()), 2),
            Std::WeekDay => out.push_str(&weekday(date)[..3]),
            Std::LongWeekDay => out.push_str(weekday(date)),
            Std::Day => out.push_str(&date.day().to_string()),
            Std::UnderDay => out.push_str(&format!("{:>2}", date.day())),
            Std::ZeroDay => pad(&mut out, i64::from(date.day()), 2),
            Std::UnderYearDay => out.push_str(&format!("{:>3}", date.day_of_year())),
            Std::ZeroYearDay => pad(&mut out, i64::from(date.day_of_year()), 3),
            Std::Hour => pad(&mut out, hour, 2),
            Std::Hour12 => out.push_str(&hour12(hour).to_string()),
            Std::ZeroHour12 => pad(&mut out, hour12(hour), 2),
            Std::Minute => out.push_str(&dt.minute().to_string()),
            Std::ZeroMinute => pad(&mut out, i64::from(dt.minute()), 2),
            Std::Second => out.push_str(&dt.second().to_string()),
            Std::ZeroSecond => pad(&mut out, i64::from(dt.second()), 2),
            Std::PM => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if c.abbrev.is_empty() {
                    let m = c.offset / 60;
                    out.push(if m < 0 { '-' } else { '+' });
                    pad(&mut out, i64::from(m.abs() / 60), 2);
                    pad(&mut out, i64::from(m.abs() % 60), 2);
                } else {
                    out.push_str(&c.abbrev);
                }
            }
            Std::FracSecond0(sep, n) | Std::FracSecond9(sep, n) => {
                let digits = format!("{:09}", dt.subsec_nanosecond());
                let mut n = n.min(9);
                if matches!(std, Std::FracSecond9(..)) {
                    while n > 0 && digits.as_bytes()[n - 1] == b'0' {
                        n -= 1;
                    }
                    if n == 0 {
                        continue;
                    }
                }
                out.push(char::from(sep));
                out.push_str(&digits[..n]);
            }
            tz => format_offset(&mut out, tz, c.offset),
        }
    }
    out
}

fn format_offset(out: &mut String, std: Std, offset: i32) {
    use Std::*;
    let iso = matches!(
        std,
        Iso8601Tz | Iso8601SecondsTz | Iso8601ShortTz | Iso8601ColonTz | Iso8601ColonSecondsTz
    );
    if offset == 0 && iso {
        out.push('Z');
        return;
    }
    let zone = offset.abs() / 60;
    out.push(if offset < 0 { '-' } else { '+' });
    pad(out, i64::from(zone / 60), 2);
    if matches!(
        std,
        Iso8601ColonTz | NumColonTz | Iso8601ColonSecondsTz | NumColonSecondsTz
    ) {
        out.push(':');
    }
    if !matches!(std, NumShortTz | Iso8601ShortTz) {
        pad(out, i64::from(zone % 60), 2);
    }
    if matches!(
        std,
        Iso8601SecondsTz | NumSecondsTz | NumColonSecondsTz | Iso8601ColonSecondsTz
    ) {
        if matches!(std, NumColonSecondsTz | Iso8601ColonSecondsTz) {
            out.push(':');
        }
        pad(out, i64::from(offset.abs() % 60), 2);
    }
}

fn month_index(d: Date) -> usize {
    usize::try_from(d.month() - 1).unwrap_or(0).min(11)
}

fn weekday(d: Date) -> &'static str {
    LONG_DAYS[usize::from(d.weekday().to_sunday_zero_offset() as u8).min(6)]
}

fn hour12(h: i64) -> i64 {
    match h % 12 {
        0 => 12,
        x => x,
    }
}

/// What a parse found about the zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParsedZone {
    /// Nothing: use the default location.
    None,
    /// `Z` or `UTC`.
    Utc,
    /// A numeric offset (and a name if one was given).
    Offset(i32, String),
    /// A zone name only (`MST`).
    Name(String),
}

/// Go's `time.Parse` over a layout: the civil time and zone information,
/// or Go's error text.
pub(crate) fn parse(layout: &str, value: &str) -> Result<(DateTime, ParsedZone), String> {
    let quote = super::strings::go_quote;
    let (alayout, avalue) = (layout, value);
    let bad = |lelem: &str, velem: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(avalue),
            quote(alayout),
            quote(velem),
            quote(lelem)
        )
    };
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let (mut pm_set, mut am_set) = (false, false);
    let mut zone = ParsedZone::None;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = String::new();
    let mut layout = layout;
    let mut value = value;
    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let stdstr = &layout[prefix.len()..layout.len() - suffix.len()];
        value = skip(value, prefix).ok_or_else(|| bad(prefix, value))?;
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    quote(avalue),
                    quote(value)
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err = "";
        let ok: Option<()> = (|| {
            match std {
                Std::Year => {
                    let p = value.get(..2)?;
                    year = digits(p)?;
                    year += if year >= 69 { 1900 } else { 2000 };
                    value = &value[2..];
                }
                Std::LongYear => {
                    let p = value.get(..4)?;
                    if !p.as_bytes()[0].is_ascii_digit() {
                        return None;
                    }
                    year = p.parse().ok()?;
                    value = &value[4..];
                }
                Std::Month | Std::LongMonth => {
                    let names: Vec<&str> = if std == Std::Month {
                        LONG_MONTHS.iter().map(|m| &m[..3]).collect()
                    } else {
                        LONG_MONTHS.to_vec()
                    };
                    let (i, rest) = lookup(&names, value)?;
                    month = i as i64 + 1;
                    value = rest;
                }
                Std::WeekDay | Std::LongWeekDay => {
                    let names: Vec<&str> = if std == Std::WeekDay {
                        LONG_DAYS.iter().map(|d| &d[..3]).collect()
                    } else {
                        LONG_DAYS.to_vec()
                    };
                    value = lookup(&names, value)?.1;
                }
                Std::NumMonth | Std::ZeroMonth => {
                    (month, value) = getnum(value, std == Std::ZeroMonth)?;
                    if !(1..=12).contains(&month) {
                        range_err = "month";
                    }
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay {
                        value = value.strip_prefix(' ').unwrap_or(value);
                    }
                    (day, value) = getnum(value, std == Std::ZeroDay)?;
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    for _ in 0..2 {
                        if std == Std::UnderYearDay {
                            value = value.strip_prefix(' ').unwrap_or(value);
                        }
                    }
                    let n = value.bytes().take(3).take_while(u8::is_ascii_digit).count();
                    if n == 0 || (std == Std::ZeroYearDay && n < 3) {
                        return None;
                    }
                    yday = value[..n].parse().ok()?;
                    value = &value[n..];
                }
                Std::Hour => {
                    (hour, value) = getnum(value, false)?;
                    if !(0..24).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    (hour, value) = getnum(value, std == Std::ZeroHour12)?;
                    if !(0..=12).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Minute | Std::ZeroMinute => {
                    (min, value) = getnum(value, std == Std::ZeroMinute)?;
                    if !(0..60).contains(&min) {
                        range_err = "minute";
                    }
                }
                Std::Second | Std::ZeroSecond => {
                    (sec, value) = getnum(value, std == Std::ZeroSecond)?;
                    if !(0..60).contains(&sec) {
                        range_err = "second";
                        return Some(());
                    }
                    // A fractional second the layout does not mention.
                    let b = value.as_bytes();
                    if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
                        let (_, next, _) = next_chunk(layout);
                        if matches!(next, Some(Std::FracSecond0(..) | Std::FracSecond9(..))) {
                            return Some(());
                        }
                        let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                        nsec = nanos(&value[..n])?;
                        value = &value[n..];
                    }
                }
                Std::PM | Std::Pm => {
                    let p = value.get(..2)?;
                    let (am, pm) = if std == Std::PM {
                        ("AM", "PM")
                    } else {
                        ("am", "pm")
                    };
                    if p == pm {
                        pm_set = true;
                    } else if p == am {
                        am_set = true;
                    } else {
                        return None;
                    }
                    value = &value[2..];
                }
                Std::Tz => {
                    if let Some(rest) = value.strip_prefix("UTC") {
                        zone = ParsedZone::Utc;
                        value = rest;
                        return Some(());
                    }
                    let n = zone_name_len(value)?;
                    zone_name = value[..n].to_string();
                    value = &value[n..];
                }
                Std::FracSecond0(_, n) => {
                    let take = 1 + n;
                    let p = value.get(..take)?;
                    nsec = nanos(p)?;
                    value = &value[take..];
                }
                Std::FracSecond9(..) => {
                    let b = value.as_bytes();
                    if b.len() < 2 || !(b[0] == b'.' || b[0] == b',') || !b[1].is_ascii_digit() {
                        return Some(());
                    }
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    nsec = nanos(&value[..n])?;
                    value = &value[n..];
                }
                tz => {
                    let iso = matches!(
                        tz,
                        Std::Iso8601Tz
                            | Std::Iso8601ShortTz
                            | Std::Iso8601ColonTz
                            | Std::Iso8601SecondsTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    if iso && value.starts_with('Z') {
                        value = &value[1..];
                        zone = ParsedZone::Utc;
                        return Some(());
                    }
                    let b = value.as_bytes();
                    let (h, m, s, used) = match tz {
                        Std::Iso8601ColonTz | Std::NumColonTz => {
                            (b.get(3) == Some(&b':')).then_some(())?;
                            (value.get(1..3)?, value.get(4..6)?, "00", 6)
                        }
                        Std::NumShortTz | Std::Iso8601ShortTz => (value.get(1..3)?, "00", "00", 3),
                        Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz => {
                            (b.get(3) == Some(&b':') && b.get(6) == Some(&b':')).then_some(())?;
                            (value.get(1..3)?, value.get(4..6)?, value.get(7..9)?, 9)
                        }
                        Std::Iso8601SecondsTz | Std::NumSecondsTz => {
                            (value.get(1..3)?, value.get(3..5)?, value.get(5..7)?, 7)
                        }
                        _ => (value.get(1..3)?, value.get(3..5)?, "00", 5),
                    };
                    let (h, m, s) = (digits(h)?, digits(m)?, digits(s)?);
                    if h > 24 {
                        range_err = "time zone offset hour";
                    } else if m > 60 {
                        range_err = "time zone offset minute";
                    } else if s > 60 {
                        range_err = "time zone offset second";
                    }
                    let mut off = ((h * 60 + m) * 60 + s) as i32;
                    match b[0] {
                        b'+' => {}
                        b'-' => off = -off,
                        _ => return None,
                    }
                    zone_offset = Some(off);
                    value = &value[used..];
                }
            }
            Some(())
        })();
        if !range_err.is_empty() {
            return Err(format!(
                "parsing time {}: {range_err} out of range",
                quote(avalue)
            ));
        }
        if ok.is_none() {
            return Err(bad(stdstr, hold));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    let out_of_range = || format!("parsing time {}: day out of range", quote(avalue));
    let date = if yday >= 0 {
        let y = i16::try_from(year).map_err(|_| out_of_range())?;
        let start = Date::new(y, 1, 1).map_err(|_| out_of_range())?;
        let d = start
            .checked_add(jiff::Span::new().days(yday - 1))
            .map_err(|_| out_of_range())?;
        if d.year() != y || yday < 1 {
            return Err(format!(
                "parsing time {}: day-of-year out of range",
                quote(avalue)
            ));
        }
        if (month >= 0 && i64::from(d.month()) != month) || (day >= 0 && i64::from(d.day()) != day)
        {
            return Err(format!(
                "parsing time {}: day-of-year does not match month",
                quote(avalue)
            ));
        }
        d
    } else {
        let month = if month < 0 { 1 } else { month };
        let day = if day < 0 { 1 } else { day };
        let y = i16::try_from(year).map_err(|_| out_of_range())?;
        Date::new(
            y,
            month as i8,
            i8::try_from(day).map_err(|_| out_of_range())?,
        )
        .map_err(|_| out_of_range())?
    };
    let time =
        Time::new(hour as i8, min as i8, sec as i8, nsec as i32).map_err(|_| out_of_range())?;
    let dt = DateTime::from_parts(date, time);
    let zone = match (zone, zone_offset) {
        (ParsedZone::Utc, _) => ParsedZone::Utc,
        (_, Some(off)) => ParsedZone::Offset(off, zone_name),
        _ if !zone_name.is_empty() => ParsedZone::Name(zone_name),
        (z, None) => z,
    };
    Ok((dt, zone))
}

/// Go's `skip`: matches the literal layout text; a space matches any run
/// of spaces.
fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Option<&'a str> {
    while let Some(p) = prefix.chars().next() {
        if p == ' ' {
            if !value.is_empty() && !value.starts_with(' ') {
                return None;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        let v = value.chars().next()?;
        if v != p {
            return None;
        }
        prefix = &prefix[p.len_utf8()..];
        value = &value[v.len_utf8()..];
    }
    Some(value)
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
        &s[2..],
    ))
}

/// A case-insensitive prefix lookup in a name table.
fn lookup<'a>(names: &[&str], value: &'a str) -> Option<(usize, &'a str)> {
    names.iter().enumerate().find_map(|(i, n)| {
        let head = value.get(..n.len())?;
        head.eq_ignore_ascii_case(n).then(|| (i, &value[n.len()..]))
    })
}

/// Fractional seconds `.ddd` as nanoseconds.
fn nanos(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if !(b.first() == Some(&b'.') || b.first() == Some(&b',')) {
        return None;
    }
    let d = &s[1..s.len().min(10)];
    let mut ns = digits(d)?;
    for _ in d.len()..9 {
        ns *= 10;
    }
    Some(ns)
}

/// Go's `parseTimeZone`: how many bytes of `value` look like a zone name.
fn zone_name_len(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if value.starts_with("GMT") {
        let rest = &b[3..];
        if let Some(&sign) = rest.first()
            && (sign == b'+' || sign == b'-')
        {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 0 {
                return Some(4 + n);
            }
        }
        return Some(3);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
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
    use super::*;

    fn civil(
        y: i16,
        mo: i8,
        d: i8,
        h: i8,
        mi: i8,
        s: i8,
        ns: i32,
        offset: i32,
        abbrev: &str,
    ) -> Civil {
        let dt = DateTime::from_parts(
            Date::new(y, mo, d).unwrap(),
            Time::new(h, mi, s, ns).unwrap(),
        );
        Civil {
            dt,
            offset,
            abbrev: abbrev.to_string(),
        }
    }

    #[test]
    fn formats_reference_layouts() {
        let c = civil(2024, 3, 5, 14, 7, 9, 120_000_000, 3600, "CET");
        assert_eq!(
            format(&c, "2006-01-02T15:04:05Z07:00"),
            "2024-03-05T14:07:09+01:00"
        );
        assert_eq!(
            format(&c, "Mon Jan _2 15:04:05 MST 2006"),
            "Tue Mar  5 14:07:09 CET 2024"
        );
        assert_eq!(
            format(&c, "3:04PM .000 .999 -0700 -07"),
            "2:07PM .120 .12 +0100 +01"
        );
        assert_eq!(format(&c, "January 2, 06 002 __2"), "March 5, 24 065  65");
        let utc = civil(2024, 3, 5, 0, 0, 0, 0, 0, "UTC");
        assert_eq!(format(&utc, "Z07:00 .999 15 03 pm"), "Z  00 12 am");
    }

    #[test]
    fn parses_reference_layouts() {
        let (dt, z) = parse("2006-01-02", "2020-05-06").unwrap();
        assert_eq!(dt.to_string(), "2020-05-06T00:00:00");
        assert_eq!(z, ParsedZone::None);
        let (dt, z) = parse("2006-01-02T15:04:05Z07:00", "2020-05-06T07:08:09.5-02:30").unwrap();
        assert_eq!(dt.to_string(), "2020-05-06T07:08:09.5");
        assert_eq!(z, ParsedZone::Offset(-9000, String::new()));
        assert_eq!(
            parse("2006-01-02", "2020-13-06").unwrap_err(),
            "parsing time \"2020-13-06\": month out of range"
        );
        assert_eq!(
            parse("2006-01-02", "x").unwrap_err(),
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
        assert_eq!(
            parse("2006-01-02", "2020-02-30").unwrap_err(),
            "parsing time \"2020-02-30\": day out of range"
        );
    }
}
