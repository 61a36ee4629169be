//! Word-case conversions of huandu/xstrings v1.5.0 as Sprig uses them:
//! `snakecase` (`ToSnakeCase`), `kebabcase` (`ToKebabCase`) and `camelcase`
//! (`ToPascalCase`). The text is cut into typed words (upper-case runs,
//! lower-case runs, numbers, connectors, punctuation) and the words are
//! joined again with the rules xstrings applies between word types.

use super::strings::{lower_rune, upper_rune};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    None,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

/// Go's `unicode.IsPunct` for ASCII; outside ASCII the common punctuation
/// blocks (general and CJK punctuation).
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return "!\"#%&'()*,-./:;?@[\\]_{}".contains(c);
    }
    matches!(c as u32, 0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x2010..=0x2027
        | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF0F)
}

/// xstrings' `isAlphabet`: letters, but not CJK ideographs.
fn is_alphabet(c: char) -> bool {
    c.is_alphabetic()
        && !matches!(c as u32, 0x4E00..=0x9FCC | 0x3400..=0x4DB5 | 0x20000..=0x2A6D6 | 0xF900..=0xFAFF)
}

/// Cuts the next word off `s`: its kind, the word and the rest.
fn next_word(s: &str) -> (Kind, &str, &str) {
    let mut chars = s.char_indices().peekable();
    let Some((_, first)) = chars.next() else {
        return (Kind::None, "", "");
    };
    let mut end = first.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*end..].chars() {
            if !pred(c) {
                break;
            }
            *end += c.len_utf8();
        }
    };
    let kind = if is_connector(first) {
        take_while(&mut end, &is_connector);
        Kind::Connector
    } else if is_punct(first) {
        take_while(&mut end, &is_punct);
        Kind::Punct
    } else if first.is_uppercase() {
        match s[end..].chars().next() {
            Some(c) if c.is_uppercase() => {
                // "HTTPStatus" is "HTTP" + "Status": the last capital of a
                // run starts the next word when a lower-case letter follows.
                let mut last_len = c.len_utf8();
                end += last_len;
                let mut stopped_on = None;
                for c in s[end..].chars() {
                    if !c.is_uppercase() {
                        stopped_on = Some(c);
                        break;
                    }
                    last_len = c.len_utf8();
                    end += last_len;
                }
                if matches!(stopped_on, Some(c) if is_alphabet(c)) {
                    end -= last_len;
                }
            }
            Some(c) if is_alphabet(c) => {
                take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
            }
            _ => {}
        }
        Kind::Upper
    } else if is_alphabet(first) {
        take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
        Kind::Alphabet
    } else if first.is_numeric() {
        take_while(&mut end, &char::is_numeric);
        Kind::Number
    } else {
        take_while(&mut end, &|c| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
        });
        Kind::Other
    };
    (kind, &s[..end], &s[end..])
}

/// xstrings' `toLower`: upper-case and connector words are lowered (and
/// connectors replaced); other words are copied.
fn push_lower(out: &mut String, kind: Kind, word: &str, connector: char) {
    if kind != Kind::Upper && kind != Kind::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(lower_rune(c));
        } else {
            out.push(c);
        }
    }
}

/// `ToSnakeCase` (`connector` `_`) and `ToKebabCase` (`-`).
pub(crate) fn to_lower_words(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let (mut kind, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if kind != Kind::Connector {
            push_lower(&mut out, kind, word, connector);
        }
        let (prev, last) = (kind, word);
        (kind, word, rest) = next_word(rest);
        match prev {
            Kind::Number => {
                while kind == Kind::Alphabet || kind == Kind::Number {
                    push_lower(&mut out, kind, word, connector);
                    (kind, word, rest) = next_word(rest);
                }
                if !matches!(kind, Kind::None | Kind::Punct | Kind::Connector) {
                    out.push(connector);
                }
            }
            Kind::Connector => push_lower(&mut out, prev, last, connector),
            Kind::Punct => {}
            _ => {
                if kind != Kind::Number {
                    if kind != Kind::Connector && kind != Kind::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let number = word;
                (kind, word, rest) = next_word(rest);
                // A number followed by anything but letters belongs to the
                // previous word ("Bld4Floor" → "bld4_floor").
                if kind != Kind::Alphabet {
                    push_lower(&mut out, Kind::Number, number, connector);
                    if kind != Kind::Connector && kind != Kind::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                // Letters after a number: the number starts a new word
                // ("HTTP2xx" → "http_2xx").
                out.push(connector);
                push_lower(&mut out, Kind::Number, number, connector);
                while kind == Kind::Alphabet || kind == Kind::Number {
                    push_lower(&mut out, kind, word, connector);
                    (kind, word, rest) = next_word(rest);
                }
                if !matches!(kind, Kind::None | Kind::Connector | Kind::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, kind, word, connector);
    out
}

/// `ToPascalCase`: connectors removed, the rune after each connector
/// upper-cased; a word that starts with a capital keeps only that capital
/// (`GOLANG_IS_GREAT` → `GolangIsGreat`); leading connectors stay.
pub(crate) fn to_pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut cur = None;
    let mut first_upper = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            cur = Some(upper_rune(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = cur else {
        // Only connectors: xstrings writes the last one a second time.
        if let Some(last) = s.chars().last() {
            out.push(last);
        }
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = upper_rune(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = lower_rune(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
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

    #[test]
    fn snake_case_samples_from_xstrings() {
        for (input, want) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
        ] {
            assert_eq!(to_lower_words(input, '_'), want, "{input}");
        }
        assert_eq!(to_lower_words("FirstName", '-'), "first-name");
    }

    #[test]
    fn pascal_case_samples_from_xstrings() {
        for (input, want) in [
            ("some_words", "SomeWords"),
            ("http_server", "HttpServer"),
            ("no_https", "NoHttps"),
            ("_complex__case_", "_Complex_Case_"),
            ("some words", "SomeWords"),
            ("GOLANG_IS_GREAT", "GolangIsGreat"),
            ("_", "__"),
            ("HTTPServer", "Httpserver"),
        ] {
            assert_eq!(to_pascal_case(input), want, "{input}");
        }
    }
}
