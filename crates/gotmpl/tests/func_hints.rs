//! Calls find their function through the hint the parser left on the
//! identifier (see `functable.rs`), and still follow Go: the function is
//! the one the executing set has under that name at execution time.

use capstan_gotmpl::{Function, ParamType, ParseCache, Signature, TemplateSet, Value};

/// A function of no argument returning `text`.
fn says(text: &'static str) -> Function {
    Function::new(Signature::fixed(&[]), move |_, _| Ok(Value::str(text)))
}

fn run(set: &TemplateSet, name: &str) -> Option<String> {
    set.execute(name, &Value::Nil).ok()
}

#[test]
fn a_function_registered_after_parsing_is_the_one_called() {
    let mut set = TemplateSet::new();
    set.add_function("a", says("a"));
    set.add_function("b", says("b"));
    set.parse("t", "{{ a }}{{ b }}{{ len \"xyz\" }}")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(&set, "t").as_deref(), Some("ab3"));
    // A name sorted between them: "b" moves to another rank.
    set.add_function("aa", says("aa"));
    assert_eq!(run(&set, "t").as_deref(), Some("ab3"));
    // A new body for "b", and a function hiding the built-in `len`.
    set.add_function("b", says("new b"));
    set.add_function(
        "len",
        Function::new(Signature::fixed(&[ParamType::Any]), |_, _| {
            Ok(Value::str("my len"))
        }),
    );
    assert_eq!(run(&set, "t").as_deref(), Some("anew bmy len"));
}

#[test]
fn sets_sharing_parsed_trees_call_their_own_functions() {
    let cache = ParseCache::default();
    let mut sets = Vec::new();
    for body in ["one", "two"] {
        let mut set = TemplateSet::new();
        set.add_function("f", says(body));
        set.add_function("g", says("g"));
        set.set_parse_cache(cache.clone());
        set.parse("t", "{{ f }}-{{ g }}-{{ print 1 }}")
            .unwrap_or_else(|e| panic!("{e}"));
        sets.push(set);
    }
    assert_eq!(run(&sets[0], "t").as_deref(), Some("one-g-1"));
    assert_eq!(run(&sets[1], "t").as_deref(), Some("two-g-1"));
}
