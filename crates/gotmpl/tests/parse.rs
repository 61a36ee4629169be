//! Behaviour tests of the lexer, parser and printer against Go's
//! `text/template/parse`.
//!
//! The expected texts in `parse/go_cases.rs` were produced by real Go (Go's
//! parser with `ParseComments`, fed the same inputs, printing errors,
//! `Tree.Root.String()` and node positions); where Go 1.19 and the Go 1.24+
//! that Helm 4 is built with differ, the expectation is Go 1.24's, checked
//! through the Helm oracle (`else with`, `unexpected right paren`, line
//! numbers after multi-line comments).

use capstan_gotmpl::ErrorKind;
use capstan_gotmpl::ast::{self, Arg, BranchKind, Node, Tree};

#[path = "parse/dump.rs"]
mod dump;
#[path = "parse/go_cases.rs"]
mod go_cases;

use dump::dump_trees;
use go_cases::{GO_DUMPS, GO_ERRORS, GO_TREES};

/// Go's built-in functions plus a few Helm-style ones.
const FUNCS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "include",
];

fn parse(text: &str) -> Result<Vec<Tree>, capstan_gotmpl::Error> {
    ast::parse("t", text, &|name: &str| FUNCS.contains(&name))
}

fn parse_err(text: &str) -> String {
    match parse(text) {
        Ok(trees) => panic!("{text:?} parsed: {:?}", printed(&trees)),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Parse);
            e.to_string()
        }
    }
}

/// Each tree as (name, Go's String()), sorted by name.
fn printed(trees: &[Tree]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = trees
        .iter()
        .map(|t| (t.name.to_string(), t.root.to_string()))
        .collect();
    out.sort();
    out
}

fn main_tree(text: &str) -> Tree {
    let trees = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    trees
        .into_iter()
        .find(|t| &*t.name == "t")
        .expect("main tree")
}

/// The operand of a one-command action template like `{{X}}`.
fn operand(text: &str) -> Arg {
    let tree = main_tree(text);
    match tree.root.nodes.first() {
        Some(Node::Action { pipe, .. }) => pipe.cmds[0].args[0].clone(),
        other => panic!("{text:?}: not an action: {other:?}"),
    }
}

fn number(text: &str) -> ast::Number {
    match operand(text) {
        Arg::Number(n) => *n,
        other => panic!("{text:?}: not a number: {other:?}"),
    }
}

fn string_value(text: &str) -> String {
    match operand(text) {
        Arg::String { value, .. } => value.to_string(),
        other => panic!("{text:?}: not a string: {other:?}"),
    }
}

#[test]
fn errors_match_go() {
    let mut failures = Vec::new();
    for (text, want) in GO_ERRORS {
        match parse(text) {
            Ok(trees) => failures.push(format!(
                "{text:?}: parsed as {:?}, Go: {want}",
                printed(&trees)
            )),
            Err(e) if e.to_string() != *want => {
                failures.push(format!("{text:?}:\n   got {e}\n  want {want}"))
            }
            Err(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn trees_print_as_go() {
    let mut failures = Vec::new();
    for (text, want) in GO_TREES {
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        match parse(text) {
            Ok(trees) if printed(&trees) == want => {}
            Ok(trees) => failures.push(format!(
                "{text:?}:\n   got {:?}\n  want {want:?}",
                printed(&trees)
            )),
            Err(e) => failures.push(format!("{text:?}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn positions_match_go() {
    for (text, want) in GO_DUMPS {
        let trees = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let got = dump_trees(&trees);
        assert_eq!(got, *want, "{text:?}");
    }
}

// ---- Go 1.23+ and Go 1.24 behaviour (checked with the Helm oracle) -------

#[test]
fn else_with_chains() {
    let tree = main_tree("{{with .a}}1{{else with .b}}2{{else}}3{{end}}");
    assert_eq!(
        tree.root.to_string(),
        "{{with .a}}1{{else}}{{with .b}}2{{else}}3{{end}}{{end}}"
    );
    let Some(Node::Branch(b)) = tree.root.nodes.first() else {
        panic!("not a branch")
    };
    let else_list = b.else_list.as_ref().expect("else");
    assert_eq!(
        else_list.pos, 19,
        "the else list starts at the nested `with`"
    );
    assert!(
        matches!(&else_list.nodes[..], [Node::Branch(inner)] if inner.kind == BranchKind::With)
    );
    // `else with` belongs to `with` only.
    assert_eq!(
        parse_err("{{if .a}}{{else with .b}}{{end}}"),
        "template: t:1: unexpected <with> in input"
    );
    assert_eq!(
        parse_err("{{range .a}}{{else with .b}}{{end}}"),
        "template: t:1: unexpected <with> in input"
    );
    assert_eq!(
        parse_err("{{with .a}}{{else if .b}}{{end}}"),
        "template: t:1: unexpected <if> in input"
    );
}

#[test]
fn lexer_errors_as_go_1_24() {
    assert_eq!(
        parse_err("{{.x)}}"),
        "template: t:1: unexpected right paren"
    );
    assert_eq!(
        parse_err("{{.x\n)}}"),
        "template: t:2: unexpected right paren in action started at t:1"
    );
    // Newlines inside comments count.
    assert_eq!(
        parse_err("{{/* a\nb */}}{{.x\n}}{{nope}}"),
        "template: t:3: function \"nope\" not defined"
    );
    assert_eq!(
        parse_err("{{/* a\nb */}}\n{{nope}}"),
        "template: t:3: function \"nope\" not defined"
    );
    assert_eq!(
        parse_err("{{if .x}}\n\n{{/* unclosed"),
        "template: t:3: unclosed comment in action started at t:1"
    );
}

// ---- lexing ---------------------------------------------------------------

#[test]
fn trim_markers_need_a_space() {
    assert_eq!(main_tree("a  {{- .x -}}  b").root.to_string(), "a{{.x}}b");
    assert_eq!(
        main_tree("a \t\r\n {{- .x -}} \n\t b").root.to_string(),
        "a{{.x}}b"
    );
    // Only ASCII whitespace is trimmed.
    assert_eq!(
        main_tree("a\u{a0}{{- .x}}").root.to_string(),
        "a\u{a0}{{.x}}"
    );
    // `{{-3}}` is the number -3, `{{3 -}}` trims.
    assert_eq!(number("{{-3}}").int, Some(-3));
    assert_eq!(main_tree("{{3 -}}  x").root.to_string(), "{{3}}x");
    // The marker may be followed by a newline or a tab.
    assert_eq!(main_tree("a\n{{-\n.x\n-}}\nb").root.to_string(), "a{{.x}}b");
    assert_eq!(main_tree("a {{-\t.x\t-}} b").root.to_string(), "a{{.x}}b");
    assert_eq!(
        parse_err("a {{-.x}}"),
        "template: t:1: bad number syntax: \"-.x\""
    );
    assert_eq!(
        parse_err("{{.x -}"),
        "template: t:1: illegal number syntax: \"-\""
    );
}

#[test]
fn trimming_on_both_sides_of_comments() {
    assert_eq!(
        main_tree("x  {{- /* c */ -}}  y").root.to_string(),
        "x{{/* c */}}y"
    );
    assert_eq!(
        main_tree("x {{/* c */ -}}  y").root.to_string(),
        "x {{/* c */}}y"
    );
    let tree = main_tree("a{{/* c */}}b");
    assert!(
        matches!(&tree.root.nodes[..], [Node::Text { .. }, Node::Comment { text, .. }, Node::Text { .. }] if &**text == "/* c */")
    );
    assert_eq!(
        parse_err("{{/* c */ }}"),
        "template: t:1: comment ends before closing delimiter"
    );
    assert_eq!(parse_err("{{/* c"), "template: t:1: unclosed comment");
}

#[test]
fn string_escapes_follow_strconv_unquote() {
    assert_eq!(
        string_value(r#"{{"\x41\u00e9\U0001F600\101\n\t\\\""}}"#),
        "A\u{e9}\u{1F600}A\n\t\\\""
    );
    assert_eq!(
        string_value(r#"{{"\a\b\f\v\r"}}"#),
        "\u{7}\u{8}\u{c}\u{b}\r"
    );
    // Byte escapes that together form UTF-8.
    assert_eq!(string_value(r#"{{"\xc3\xa9\303\251"}}"#), "\u{e9}\u{e9}");
    assert_eq!(
        string_value("{{`a\\n\r\nb`}}"),
        "a\\n\nb",
        "raw strings drop CR"
    );
    for bad in [
        r#"{{"\q"}}"#,
        r#"{{"\x4"}}"#,
        r#"{{"\400"}}"#,
        r#"{{"\uD800"}}"#,
        r#"{{"\'"}}"#,
        r#"{{"\U00110000"}}"#,
    ] {
        assert_eq!(parse_err(bad), "template: t:1: invalid syntax", "{bad}");
    }
    // The printer keeps the source spelling.
    assert_eq!(
        main_tree(r#"{{"\x41"}}{{`b`}}"#).root.to_string(),
        r#"{{"\x41"}}{{`b`}}"#
    );
}

#[test]
fn character_constants_are_numbers() {
    let n = number("{{'a'}}");
    assert!(n.is_char);
    assert_eq!((n.int, n.uint, n.float), (Some(97), Some(97), Some(97.0)));
    assert_eq!(number(r"{{'\n'}}").int, Some(10));
    assert_eq!(number(r"{{'\''}}").int, Some(39));
    assert_eq!(number(r"{{'\x41'}}").int, Some(65));
    assert_eq!(number("{{'\u{e9}'}}").int, Some(0xe9));
    assert_eq!(parse_err("{{''}}"), "template: t:1: invalid syntax");
    assert_eq!(
        parse_err("{{'ab'}}"),
        "template: t:1: malformed character constant: 'ab'"
    );
    assert_eq!(parse_err(r#"{{'\"'}}"#), "template: t:1: invalid syntax");
    assert_eq!(
        parse_err("{{'a}}"),
        "template: t:1: unterminated character constant"
    );
}

#[test]
fn numbers_are_classified_as_go_does() {
    let n = number("{{0x1F}}");
    assert_eq!(
        (n.int, n.uint, n.float, n.is_complex),
        (Some(31), Some(31), Some(31.0), false)
    );
    assert_eq!(number("{{0o17}}").int, Some(15));
    assert_eq!(number("{{017}}").int, Some(15));
    assert_eq!(number("{{0b101}}").int, Some(5));
    assert_eq!(number("{{1_000}}").int, Some(1000));
    let n = number("{{1.5}}");
    assert_eq!((n.int, n.uint, n.float), (None, None, Some(1.5)));
    let n = number("{{1e3}}");
    assert_eq!(
        (n.int, n.uint, n.float),
        (Some(1000), Some(1000), Some(1000.0))
    );
    assert_eq!(number("{{0x1p-2}}").float, Some(0.25));
    assert_eq!(number("{{0x1.8p1}}").float, Some(3.0));
    let n = number("{{-5}}");
    assert_eq!((n.int, n.uint), (Some(-5), None));
    let n = number("{{18446744073709551615}}");
    assert_eq!((n.int, n.uint), (None, Some(u64::MAX)));
    let n = number("{{1e19}}");
    assert_eq!((n.int, n.uint), (None, Some(10_000_000_000_000_000_000)));
    let n = number("{{9.223372036854775807e18}}");
    assert_eq!(
        (n.int, n.uint),
        (None, Some(1 << 63)),
        "2^63 is not an int64"
    );
    let n = number("{{1+2i}}");
    assert!(n.is_complex);
    assert_eq!((n.int, n.float), (None, None));
    let n = number("{{1-0i}}");
    assert_eq!((n.int, n.float, n.is_complex), (Some(1), Some(1.0), true));
    assert_eq!(number("{{0i}}").int, Some(0));
    assert_eq!(
        parse_err("{{18446744073709551616}}"),
        "template: t:1: integer overflow: \"18446744073709551616\""
    );
    assert_eq!(
        parse_err("{{1e400}}"),
        "template: t:1: illegal number syntax: \"1e400\""
    );
    assert_eq!(
        parse_err("{{0x}}"),
        "template: t:1: illegal number syntax: \"0x\""
    );
    assert_eq!(
        parse_err("{{3a}}"),
        "template: t:1: bad number syntax: \"3a\""
    );
    assert_eq!(
        parse_err("{{.x 1+i}}"),
        "template: t:1: syntax error scanning complex number"
    );
    assert_eq!(
        main_tree("{{0x1F}} {{1_0}} {{1e3}} {{'a'}}")
            .root
            .to_string(),
        "{{0x1F}} {{1_0}} {{1e3}} {{'a'}}"
    );
}

// ---- parsing ----------------------------------------------------------------

#[test]
fn field_chains_on_any_operand() {
    assert!(matches!(operand("{{.a.b.c}}"), Arg::Field { pos: 4, fields } if fields.len() == 3));
    let tree = main_tree("{{$x := .}}{{$x.a.b}}");
    let Some(Node::Action { pipe, .. }) = tree.root.nodes.get(1) else {
        panic!()
    };
    assert!(
        matches!(&pipe.cmds[0].args[0], Arg::Variable { name, fields, pos: 15 } if &**name == "$x" && fields.len() == 2)
    );
    match operand("{{(index . 1).a.b}}") {
        Arg::Chain { node, fields, pos } => {
            assert!(matches!(*node, Arg::Pipe(_)));
            assert_eq!((fields.len(), pos), (2, 13));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(operand("{{printf.a}}"), Arg::Chain { .. }));
    assert_eq!(
        parse_err("{{nil.a}}"),
        "template: t:1: unexpected . after term \"nil\""
    );
    assert_eq!(
        parse_err("{{..a}}"),
        "template: t:1: unexpected . after term \".\""
    );
    assert!(
        matches!(operand("{{(1).a}}"), Arg::Chain { .. }),
        "literals in parentheses chain"
    );
}

#[test]
fn variables_are_scoped_as_in_go() {
    assert!(parse("{{$x := 1}}{{$x}}").is_ok());
    assert!(parse("{{range $i, $v := .}}{{$i}}{{$v}}{{end}}").is_ok());
    assert_eq!(
        parse_err("{{range $i, $v := .}}{{end}}{{$v}}"),
        "template: t:1: undefined variable \"$v\""
    );
    assert_eq!(
        parse_err("{{with $x := .}}{{end}}{{$x}}"),
        "template: t:1: undefined variable \"$x\""
    );
    // Pipeline declarations of `if` are visible in `else if` branches.
    assert!(parse("{{if $x := 1}}{{else if $y := 2}}{{$x}}{{$y}}{{end}}").is_ok());
    // define and block bodies start a fresh scope.
    assert_eq!(
        parse_err("{{$x := 1}}{{define \"a\"}}{{$x}}{{end}}"),
        "template: t:1: undefined variable \"$x\""
    );
    assert_eq!(
        parse_err("{{$y := 1}}{{block \"b\" .}}{{$y}}{{end}}"),
        "template: t:1: undefined variable \"$y\""
    );
    // The main scope survives a define.
    assert!(parse("{{$x := 1}}{{define \"a\"}}{{end}}{{$x}}").is_ok());
    // Assignment does not check the variable at parse time (Go checks at run time).
    assert!(parse("{{$x = 2}}").is_ok());
    let tree = main_tree("{{$x := 1}}{{$x = 2}}");
    let Some(Node::Action { pipe, .. }) = tree.root.nodes.get(1) else {
        panic!()
    };
    assert!(pipe.is_assign);
    assert_eq!(
        tree.root.to_string(),
        "{{$x := 1}}{{$x := 2}}",
        "Go prints assignments with :="
    );
}

#[test]
fn break_and_continue_only_in_range() {
    assert!(parse("{{range .}}{{if .}}{{break}}{{else}}{{continue}}{{end}}{{end}}").is_ok());
    assert_eq!(
        parse_err("{{break}}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    assert_eq!(
        parse_err("{{continue}}"),
        "template: t:1: {{continue}} outside {{range}}"
    );
    assert_eq!(
        parse_err("{{range .}}{{else}}{{break}}{{end}}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    assert_eq!(
        parse_err("{{range .}}{{break 1}}{{end}}"),
        "template: t:1: unexpected \"1\" in {{break}}"
    );
    assert_eq!(
        parse_err("{{range .}}{{block \"b\" .}}{{break}}{{end}}{{end}}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    // When a function is named `break`, the word is that function.
    let trees = ast::parse("t", "{{break}}", &|n: &str| n == "break").expect("parses");
    assert!(matches!(&trees[0].root.nodes[..], [Node::Action { .. }]));
}

#[test]
fn definitions_and_the_empty_template_rule() {
    let trees = parse("{{define \"x\"}}X{{end}}{{template \"x\" .}}").expect("parses");
    assert_eq!(
        printed(&trees),
        [
            ("t".into(), "{{template \"x\" .}}".into()),
            ("x".into(), "X".into())
        ]
    );
    // The main tree named like a definition: the empty one yields.
    let trees = parse("{{define \"t\"}}T{{end}}  ").expect("parses");
    assert_eq!(printed(&trees), [("t".into(), "T".into())]);
    let trees =
        parse("{{define \"x\"}}X{{end}}{{define \"x\"}} {{/* c */}} {{end}}").expect("parses");
    assert_eq!(
        printed(&trees),
        [("t".into(), String::new()), ("x".into(), "X".into())]
    );
    assert_eq!(
        parse_err("{{define \"x\"}}X{{end}}{{define \"x\"}}Y{{end}}"),
        "template: t:1: template: multiple definition of template \"x\""
    );
    assert_eq!(
        parse_err("{{define \"t\"}}T{{end}}body"),
        "template: t:1: template: multiple definition of template \"t\""
    );
    // Emptiness for the evaluator's redefinition rule.
    let trees =
        parse("{{define \"e\"}} \n{{/* c */}}\t{{end}}{{define \"f\"}}{{if 1}}{{end}}{{end}}")
            .expect("parses");
    let by_name = |n: &str| trees.iter().find(|t| &*t.name == n).expect("tree");
    assert!(by_name("e").is_empty());
    assert!(!by_name("f").is_empty());
    assert!(by_name("t").is_empty());
}

#[test]
fn block_is_define_plus_template() {
    let trees = parse("{{block \"b\" .x}}B{{.}}{{end}}").expect("parses");
    assert_eq!(
        printed(&trees),
        [
            ("b".into(), "B{{.}}".into()),
            ("t".into(), "{{template \"b\" .x}}".into())
        ]
    );
    assert_eq!(
        parse_err("{{block \"b\"}}B{{end}}"),
        "template: t:1: missing value for block clause"
    );
    // Go reports a bad block ending with the line of the block's `}}`.
    assert_eq!(
        parse_err("{{block \"b\"\n.}}\n\nx\n{{else}}{{end}}"),
        "template: t:2: unexpected {{else}} in block clause"
    );
}

#[test]
fn trees_share_one_source_named_after_the_parse() {
    let trees = ast::parse("file.yaml", "{{define \"a\"}}A{{end}}B", &|_| false).expect("parses");
    assert_eq!(trees.len(), 2);
    assert!(std::sync::Arc::ptr_eq(&trees[0].source, &trees[1].source));
    assert_eq!(&*trees[0].source.name, "file.yaml");
    assert_eq!(
        parse_err_named("file.yaml", "x\n{{.a | 3}}"),
        "template: file.yaml:2: non executable command in pipeline stage 2"
    );
}

fn parse_err_named(name: &str, text: &str) -> String {
    ast::parse(name, text, &|_| false)
        .expect_err("fails")
        .to_string()
}

#[test]
fn error_lines_follow_the_last_token_read() {
    assert_eq!(
        parse_err("\n\n{{if}}"),
        "template: t:3: missing value for if"
    );
    assert_eq!(parse_err("{{if\n}}"), "template: t:2: missing value for if");
    assert_eq!(
        parse_err("{{.x\n\"unterminated"),
        "template: t:2: unterminated quoted string in action started at t:1"
    );
    assert_eq!(
        parse_err("{{.x\n"),
        "template: t:2: unclosed action started at t:1"
    );
    assert_eq!(
        parse_err("{{if .x}}\n{{.y}}\n"),
        "template: t:3: unexpected EOF"
    );
}

#[test]
fn errors_carry_a_source_snippet() {
    let e = parse("a\n{{if}}\nb").expect_err("fails");
    assert_eq!(e.snippet(), Some("2 | {{if}}"));
    assert_eq!(
        format!("{e:#}"),
        "template: t:2: missing value for if\n2 | {{if}}"
    );
}

// ---- limits and robustness --------------------------------------------------

#[test]
fn nesting_is_limited_with_a_clear_error() {
    let parens = |n: usize| format!("{{{{{}1{}}}}}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&parens(50)).is_ok());
    assert_eq!(
        parse_err(&parens(5000)),
        "template: t:1: max expression depth exceeded"
    );
    let ifs = |n: usize| format!("{}{}", "{{if 1}}".repeat(n), "{{end}}".repeat(n));
    assert!(parse(&ifs(50)).is_ok());
    assert_eq!(
        parse_err(&ifs(100_000)),
        "template: t:1: max control nesting depth exceeded"
    );
    let chain = format!("{{{{if 1}}}}{}{{{{end}}}}", "{{else if 1}}".repeat(100_000));
    assert_eq!(
        parse_err(&chain),
        "template: t:1: max control nesting depth exceeded"
    );
    let blocks = format!(
        "{}{}",
        "{{block \"x\" 1}}".repeat(100_000),
        "{{end}}".repeat(100_000)
    );
    assert_eq!(
        parse_err(&blocks),
        "template: t:1: max control nesting depth exceeded"
    );
}

#[test]
fn long_pipelines_have_no_limit() {
    // Newer Go limits pipelines to 100000 commands; the Go Helm 4.2 is
    // built with does not (checked with the Helm oracle).
    let text = format!("{{{{.x{}}}}}", " | len".repeat(100_001));
    let tree = main_tree(&text);
    let Some(Node::Action { pipe, .. }) = tree.root.nodes.first() else {
        panic!("not an action")
    };
    assert_eq!(pipe.cmds.len(), 100_002);
}

#[test]
fn every_prefix_of_every_case_parses_or_fails_cleanly() {
    // Truncated input is the commonest malformed input; none may panic.
    let texts = GO_ERRORS
        .iter()
        .map(|(t, _)| *t)
        .chain(GO_TREES.iter().map(|(t, _)| *t));
    for text in texts {
        for (i, _) in text.char_indices() {
            let _ = parse(&text[..i]);
            let _ = parse(&text[i..]);
        }
    }
}

#[test]
fn large_inputs_parse_in_linear_time() {
    // Quadratic behaviour would make these take minutes.
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "{{{{$v{i} := {i}}}}}{{{{$v{i}}}}} text {{{{- /* c */ -}}}}\n"
        ));
    }
    for i in 0..2_000 {
        text.push_str(&format!("{{{{define \"d{i}\"}}}}x{{{{end}}}}"));
    }
    assert!(parse(&text).is_ok());
    let text = "a".repeat(1 << 20) + &"{{.x}}".repeat(50_000);
    assert!(parse(&text).is_ok());
}
