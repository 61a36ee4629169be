//! Random templates assembled from fragments: whatever they do, execution
//! ends with an output or an error, never a panic, a hang or a stack
//! overflow.

use proptest::prelude::*;

use super::*;
use crate::context::helm_like;

const FRAGMENTS: &[&str] = &[
    "x",
    "{{.}}",
    "{{.s}}",
    "{{.l}}",
    "{{.m.a}}",
    "{{.missing.x}}",
    "{{.n.x}}",
    "{{$}}",
    "{{$x := .l}}",
    "{{$x = 1}}",
    "{{$x}}",
    "{{if .t}}",
    "{{if .n}}",
    "{{else}}",
    "{{end}}",
    "{{range .l}}",
    "{{range $i, $v := .m}}",
    "{{range 3}}",
    "{{range .f}}",
    "{{with .s}}",
    "{{else with .l}}",
    "{{break}}",
    "{{continue}}",
    "{{template \"d\" .}}",
    "{{define \"d\"}}",
    "{{include \"d\" .}}",
    "{{tpl \"{{.}}\" .}}",
    "{{index .l 1}}",
    "{{index .l 9}}",
    "{{slice .s 1 2}}",
    "{{len .}}",
    "{{eq . 1}}",
    "{{lt .s .l}}",
    "{{printf \"%v %d\" . .}}",
    "{{print . nil}}",
    "{{html .}}",
    "{{js .}}",
    "{{urlquery .}}",
    "{{and . .l}}",
    "{{or .n 0}}",
    "{{not .}}",
    "{{call .}}",
    "{{up .s}}",
    "{{up .}}",
    "{{fail .s}}",
    "{{nilf}}",
    "{{(nilf).x}}",
    "{{. | len}}",
    "{{.s | up | printf \"%q\"}}",
    "{{ (index .nested \"a\" 1).k }}",
    "{{join \",\" .s \"b\"}}",
    "{{tf 1}}",
    "{{ti .i}}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_templates_never_panic(picks in proptest::collection::vec(0..FRAGMENTS.len(), 0..24)) {
        let mut text: String = picks.iter().map(|&i| FRAGMENTS[i]).collect();
        // Close what was opened, so that most cases get past the parser.
        let opened = ["{{if", "{{range", "{{with", "{{define"]
            .iter()
            .map(|o| text.matches(o).count())
            .sum::<usize>();
        let closed = text.matches("{{end}}").count();
        text.push_str(&"{{end}}".repeat(opened.saturating_sub(closed)));
        let outcome = std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(move || {
                for missing_key in [MissingKey::Default, MissingKey::Zero, MissingKey::Error] {
                    let mut set = helm_like();
                    set.set_missing_key(missing_key);
                    set.limits_mut().fuel = 100_000;
                    if set.parse("t", &text).is_ok() {
                        let _ = set.execute("t", &data());
                        let _ = set.execute("d", &Value::Nil);
                    }
                }
            })
            .expect("spawn")
            .join();
        prop_assert!(outcome.is_ok());
    }
}
