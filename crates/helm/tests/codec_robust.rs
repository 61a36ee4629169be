//! Hostile input for the YAML and JSON codecs: nothing may panic, recursion
//! is bounded, alias bombs and deep nesting end in clear errors.

#[allow(dead_code)] // shared helpers: each suite uses a subset
#[path = "codec/golden.rs"]
mod codec_golden;

use capstan_gotmpl::Value;
use capstan_helm::{json, yaml};

/// Exercises every entry point on one input.
fn exercise(text: &str) {
    let _ = yaml::parse_values(text);
    let v = yaml::from_yaml(text);
    let _ = yaml::to_yaml(&v);
    let _ = yaml::to_yaml_pretty(&v);
    let _ = json::to_json(&v);
    let _ = yaml::from_yaml_array(text);
    let j = json::from_json(text);
    let _ = yaml::to_yaml(&j);
    let _ = json::from_json_array(text);
}

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const PIECES: &[&str] = &[
    "\n", " ", "\t", ":", "- ", "[", "]", "{", "}", ",", "&a", "*a", "<<", "!!", "|", ">", "'",
    "\"", "#", "---\n", "...", "%", "?", "\\", "~", "é", "😀", "\u{85}", "\u{2028}", "\r", "0x",
    "1e9", ".inf", "yes", "\u{7f}",
];

#[test]
fn mutated_cases_never_panic() {
    let mut rng = Lcg(0x5eed);
    let mut inputs: Vec<String> = Vec::new();
    for kind in ["yaml", "values", "json"] {
        let ext = if kind == "json" { "json" } else { "yaml" };
        for (_, input, _) in codec_golden::cases(kind, ext) {
            inputs.push(input);
        }
    }
    let mut count = 0;
    for input in &inputs {
        exercise(input);
        let chars: Vec<char> = input.chars().collect();
        for _ in 0..30 {
            let mut m = chars.clone();
            let edits = 1 + rng.next() % 4;
            for _ in 0..edits {
                let pos = if m.is_empty() {
                    0
                } else {
                    (rng.next() as usize) % (m.len() + 1)
                };
                match rng.next() % 3 {
                    0 => {
                        let piece = PIECES[(rng.next() as usize) % PIECES.len()];
                        for (k, c) in piece.chars().enumerate() {
                            m.insert(pos + k, c);
                        }
                    }
                    1 if pos < m.len() => {
                        m.remove(pos);
                    }
                    _ => m.truncate(pos),
                }
            }
            let text: String = m.into_iter().collect();
            exercise(&text);
            count += 1;
        }
    }
    assert!(count > 1000, "only {count} mutations ran");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "[".repeat(100_000),
        "{".repeat(100_000),
        "- ".repeat(50_000) + "x",
        (0..5_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>(),
    ] {
        let err = yaml::unmarshal(&text).expect_err("too deep");
        assert!(err.message().contains("exceeded max depth"), "{err}");
        exercise(&text);
    }
    let deep_json = "[".repeat(5_000) + &"]".repeat(5_000);
    let err = json::parse_json(&deep_json).expect_err("too deep");
    assert_eq!(err.message(), "invalid character '[' exceeded max depth");
    // Just below the limits everything works.
    let ok_json = "[".repeat(900) + &"]".repeat(900);
    let v = json::parse_json(&ok_json).expect("900 levels");
    assert_eq!(json::to_json(&v).expect("json"), ok_json);
    let ok_yaml = "[".repeat(490) + &"]".repeat(490);
    let v = yaml::unmarshal(&ok_yaml).expect("490 levels");
    assert!(yaml::to_yaml(&v).starts_with("- - - "));
    assert!(yaml::to_yaml_pretty(&v).starts_with("- - - "));
    // Deeper values are refused by the writers instead of exhausting the stack.
    let deeper = yaml::unmarshal(&("[".repeat(700) + &"]".repeat(700))).expect("700 levels");
    assert_eq!(yaml::to_yaml(&deeper), "");
    assert!(yaml::must_to_yaml(&deeper).is_err());
    let mut v = Value::Nil;
    for _ in 0..1_500 {
        v = Value::list(vec![v]);
    }
    assert!(json::to_json(&v).is_err());
    assert_eq!(yaml::to_yaml(&v), "");
}

#[test]
fn alias_bomb_is_refused_like_go_yaml() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let err = yaml::unmarshal(&text).expect_err("billion laughs must fail");
    assert_eq!(
        err.message(),
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
    // A few aliases are fine.
    let ok = yaml::unmarshal("a: &a [1, 2]\nb: [*a, *a]\n").expect("small aliases");
    assert_eq!(
        json::to_json(&ok).expect("json"),
        r#"{"a":[1,2],"b":[[1,2],[1,2]]}"#
    );
}

#[test]
fn size_limit_is_enforced() {
    let limits = yaml::Limits {
        max_bytes: 16,
        ..yaml::Limits::default()
    };
    let err = yaml::unmarshal_with("a: 0123456789abcdef\n", &limits).expect_err("too big");
    assert_eq!(err.kind(), yaml::YamlErrorKind::Limit);
}

#[test]
fn large_documents_stay_linear() {
    // Quadratic key handling would make this take minutes.
    let text: String = (0..50_000).map(|i| format!("key{i}: {i}\n")).collect();
    let m = yaml::parse_values(&text).expect("many keys");
    assert_eq!(m.len(), 50_000);
    let out = yaml::to_yaml(&Value::map(m));
    assert!(out.starts_with("key0: 0\nkey1: 1\nkey2: 2\n"));
    let json_text = json::to_json(&yaml::from_yaml(&text)).expect("json");
    assert!(json::parse_json_map(&json_text).is_ok());
}

fn without_negative_zero(v: &Value) -> Value {
    match v {
        Value::Float(x) if *x == 0.0 => Value::Float(0.0),
        Value::List(items) => Value::list(items.iter().map(without_negative_zero).collect()),
        Value::Map(_) => Value::map(
            v.as_map()
                .map(|m| {
                    m.iter()
                        .map(|(k, x)| (k.clone(), without_negative_zero(x)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        other => other.clone(),
    }
}

#[test]
fn to_yaml_output_reads_back_to_the_same_values() {
    let mut checked = 0;
    for kind in ["yaml", "values"] {
        for (name, input, _) in codec_golden::cases(kind, "yaml") {
            // Raw line separators are a documented reader divergence.
            if input.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
                continue;
            }
            let Ok(v) = yaml::unmarshal(&input) else {
                continue;
            };
            for (writer, out) in [
                ("toYaml", yaml::to_yaml(&v)),
                ("toYamlPretty", yaml::to_yaml_pretty(&v)),
            ] {
                // Empty: the writer refused. A "<<" key is printed plain by
                // go-yaml and reads back as a merge key, in Helm too.
                if out.is_empty()
                    || out.contains("<<")
                    || out.contains(['\u{85}', '\u{2028}', '\u{2029}'])
                {
                    continue;
                }
                // toYaml drops the final line break; without it go-yaml
                // would end a closing block scalar without one too.
                let back = yaml::unmarshal(&format!("{out}\n")).unwrap_or_else(|e| {
                    panic!("{name}: {writer} output does not parse: {e}\n{out}")
                });
                // toYaml prints -0 as 0 (the JSON text "-0" reads back as an int).
                assert_eq!(
                    json::to_json(&back).ok(),
                    json::to_json(&without_negative_zero(&v)).ok(),
                    "{name}: {writer} output reads back differently:\n{out}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} round trips");
}
