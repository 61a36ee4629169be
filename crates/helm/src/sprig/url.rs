//! `urlParse` and `urlJoin`: Go's `net/url` parsing into Sprig's dict
//! (`scheme`, `host`, `hostname`, `path`, `query`, `opaque`, `fragment`,
//! `userinfo`) and `URL.String()` back, with Go's percent-encoding rules
//! per URL part.

use capstan_gotmpl::{FuncError, Map, Value};

use super::reflect::kind_name;
use super::strings::go_quote;
use super::{MAP, NIL_DEREF, Registry, STR, arg, arg_str, fail};

pub(super) fn register(r: &mut Registry) {
    r.fixed("urlParse", &[STR], |a| {
        let raw = arg_str(a, 0);
        let u = parse(raw).map_err(|e| {
            fail(format!(
                "unable to parse url: parse {}: {e}",
                go_quote(raw.split('#').next().unwrap_or(raw))
            ))
        })?;
        let mut m = Map::new();
        m.insert("scheme".into(), Value::from(u.scheme.clone()));
        m.insert("host".into(), Value::from(u.host.clone()));
        m.insert("hostname".into(), Value::from(hostname(&u.host)));
        m.insert("path".into(), Value::from(u.path.clone()));
        m.insert("query".into(), Value::from(u.raw_query.clone()));
        m.insert("opaque".into(), Value::from(u.opaque.clone()));
        m.insert("fragment".into(), Value::from(u.fragment.clone()));
        m.insert(
            "userinfo".into(),
            Value::from(u.user.as_ref().map(user_string).unwrap_or_default()),
        );
        Ok(Value::map(m))
    });
    r.fixed("urlJoin", &[MAP], |a| {
        let d = arg(a, 0).as_map().unwrap_or_default();
        let get = |key: &str| -> Result<String, FuncError> {
            match d.get(key) {
                None => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.to_string()),
                Some(Value::Nil) => Err(fail(NIL_DEREF)),
                Some(other) => Err(fail(format!(
                    "unable to parse {key} key, must be of type string, but {} found",
                    kind_name(other)
                ))),
            }
        };
        let userinfo = get("userinfo")?;
        let user = if userinfo.is_empty() {
            None
        } else {
            let probe = format!("proto://{userinfo}@host");
            let parsed = parse(&probe).map_err(|e| {
                fail(format!(
                    "unable to parse userinfo in dict: parse {}: {e}",
                    go_quote(&probe)
                ))
            })?;
            parsed.user
        };
        let u = Url {
            scheme: get("scheme")?,
            host: get("host")?,
            path: get("path")?,
            raw_query: get("query")?,
            opaque: get("opaque")?,
            fragment: get("fragment")?,
            user,
            ..Url::default()
        };
        Ok(Value::from(u.to_string()))
    });
}

#[derive(Debug, Default, Clone)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_path: String,
    omit_host: bool,
    force_query: bool,
    raw_query: String,
    fragment: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

/// Go's `url.Parse`.
fn parse(raw: &str) -> Result<Url, String> {
    let (main, frag) = match raw.split_once('#') {
        Some((m, f)) => (m, Some(f)),
        None => (raw, None),
    };
    if main.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut u = Url::default();
    if main == "*" {
        u.path = "*".into();
    } else {
        let (scheme, rest) = split_scheme(main)?;
        u.scheme = scheme.to_ascii_lowercase();
        let mut rest = rest;
        if rest.ends_with('?') && rest.matches('?').count() == 1 {
            u.force_query = true;
            rest = &rest[..rest.len() - 1];
        } else if let Some((r, q)) = rest.split_once('?') {
            rest = r;
            u.raw_query = q.to_string();
        }
        if !rest.starts_with('/') {
            if !u.scheme.is_empty() {
                u.opaque = rest.to_string();
                return with_fragment(u, frag);
            }
            if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
                return Err("first path segment in URL cannot contain colon".into());
            }
        }
        if (!u.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
            let authority = &rest[2..];
            let (auth, path) = match authority.find('/') {
                Some(i) => (&authority[..i], &authority[i..]),
                None => (authority, ""),
            };
            let (user, host) = parse_authority(auth)?;
            u.user = user;
            u.host = host;
            rest = path;
        } else if !u.scheme.is_empty() && rest.starts_with('/') {
            u.omit_host = true;
        }
        u.path = unescape(rest, Mode::Path)?;
        if escape(&u.path, Mode::Path) != rest {
            u.raw_path = rest.to_string();
        }
    }
    with_fragment(u, frag)
}

fn with_fragment(mut u: Url, frag: Option<&str>) -> Result<Url, String> {
    if let Some(f) = frag {
        u.fragment = unescape(f, Mode::Fragment)?;
    }
    Ok(u)
}

fn split_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme".into()),
            ':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

type UserInfo = (String, Option<String>);

fn parse_authority(auth: &str) -> Result<(Option<UserInfo>, String), String> {
    let Some(at) = auth.rfind('@') else {
        return Ok((None, parse_host(auth)?));
    };
    let host = parse_host(&auth[at + 1..])?;
    let info = &auth[..at];
    let valid = info
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&c));
    if !valid {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match info.split_once(':') {
        Some((u, p)) => (
            unescape(u, Mode::UserPassword)?,
            Some(unescape(p, Mode::UserPassword)?),
        ),
        None => (unescape(info, Mode::UserPassword)?, None),
    };
    Ok((Some(user), host))
}

fn parse_host(host: &str) -> Result<String, String> {
    let port_ok = |p: &str| {
        p.is_empty() || (p.starts_with(':') && p[1..].bytes().all(|b| b.is_ascii_digit()))
    };
    if host.starts_with('[') {
        let Some(end) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let port = &host[end + 1..];
        if !port_ok(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
    } else if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !port_ok(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

fn hostname(host: &str) -> String {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_string();
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => host[..i].to_string(),
        _ => host.to_string(),
    }
}

fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |x: Option<&u8>| x.and_then(|c| (*c as char).to_digit(16));
            match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => {
                    // Go quotes three bytes; a cut UTF-8 sequence is kept whole here.
                    let bad: String = s[i..].chars().take(3).collect();
                    return Err(format!("invalid URL escape {}", go_quote(&bad)));
                }
            }
        }
        if mode == Mode::Host
            && b[i] < 0x80
            && !b[i].is_ascii_alphanumeric()
            && !b"-._~!$&'()*+,;=:[]<>\"".contains(&b[i])
        {
            return Err(format!(
                "invalid character {} in host name",
                go_quote(&s[i..i + 1])
            ));
        }
        out.push(b[i]);
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => false,
            Mode::Host => true,
        },
        b'!' | b'(' | b')' | b'*' if mode == Mode::Fragment => false,
        _ => true,
    }
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

fn user_string((name, pass): &UserInfo) -> String {
    let mut s = escape(name, Mode::UserPassword);
    if let Some(p) = pass {
        s.push(':');
        s.push_str(&escape(p, Mode::UserPassword));
    }
    s
}

impl std::fmt::Display for Url {
    /// Go's `URL.String()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            let has_authority =
                !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some();
            let omitted = self.omit_host && self.host.is_empty() && self.user.is_none();
            if has_authority && !omitted {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(u) = &self.user {
                    buf.push_str(&user_string(u));
                    buf.push('@');
                }
                buf.push_str(&escape(&self.host, Mode::Host));
            }
            let path = if !self.raw_path.is_empty() {
                self.raw_path.clone()
            } else if self.path == "*" {
                "*".to_string()
            } else {
                escape(&self.path, Mode::Path)
            };
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().is_some_and(|s| s.contains(':')) {
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&escape(&self.fragment, Mode::Fragment));
        }
        f.write_str(&buf)
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
    use super::super::testing::{call, call_str, s};
    use super::*;

    #[test]
    fn parse_into_sprig_dict() {
        let d = call(
            "urlParse",
            &[s(
                "https://user:p%40ss@example.com:8443/a%20b/c?x=1&y=2#frag",
            )],
        )
        .unwrap();
        let d = d.as_map().unwrap();
        assert_eq!(d["scheme"], s("https"));
        assert_eq!(d["host"], s("example.com:8443"));
        assert_eq!(d["hostname"], s("example.com"));
        assert_eq!(d["path"], s("/a b/c"));
        assert_eq!(d["query"], s("x=1&y=2"));
        assert_eq!(d["fragment"], s("frag"));
        assert_eq!(d["userinfo"], s("user:p%40ss"));
        let o = call("urlParse", &[s("mailto:joe@example.com")]).unwrap();
        assert_eq!(o.as_map().unwrap()["opaque"], s("joe@example.com"));
    }

    #[test]
    fn join_from_dict() {
        let d = call("urlParse", &[s("http://h.io:80/p/q?k=v#f")]).unwrap();
        assert_eq!(call_str("urlJoin", &[d]), "http://h.io:80/p/q?k=v#f");
        let mut m = Map::new();
        m.insert("host".into(), s("example.com"));
        m.insert("path".into(), s("a b"));
        m.insert("scheme".into(), s("https"));
        m.insert("userinfo".into(), s("me:x"));
        assert_eq!(
            call_str("urlJoin", &[Value::map(m)]),
            "https://me:x@example.com/a%20b"
        );
    }

    #[test]
    fn errors_never_panic_on_utf8() {
        assert!(call("urlParse", &[s("http://a/%zé")]).is_err());
        assert!(call("urlParse", &[s("http://é:x/")]).is_err());
    }

    #[test]
    fn errors() {
        let e = call("urlParse", &[s("http://a/%zz")]).unwrap_err();
        assert_eq!(
            e.message(),
            "unable to parse url: parse \"http://a/%zz\": invalid URL escape \"%zz\""
        );
        let e = call("urlParse", &[s(":foo")]).unwrap_err();
        assert_eq!(
            e.message(),
            "unable to parse url: parse \":foo\": missing protocol scheme"
        );
    }
}
