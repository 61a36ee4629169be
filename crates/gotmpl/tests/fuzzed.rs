//! Replays every input the fuzzers found interesting (crashes, hangs, slow
//! units), kept under `tests/fuzzed/`: each must parse and execute under the
//! fuzz targets' limits without panicking. The first byte selects the
//! `missingkey` mode, as in fuzz/fuzz_targets/gotmpl_execute.rs.

use std::path::Path;

use capstan_gotmpl::{Map, MissingKey, TemplateSet, Value};

fn data() -> Value {
    let mut inner = Map::new();
    inner.insert("b".into(), Value::Float(1e6));
    inner.insert("s".into(), Value::str("x y"));
    inner.insert("n".into(), Value::Nil);
    let mut root = Map::new();
    root.insert("a".into(), Value::map(inner.clone()));
    root.insert(
        "l".into(),
        Value::list(vec![
            Value::Int(1),
            Value::str("two"),
            Value::map(inner),
            Value::Bool(true),
        ]),
    );
    root.insert("i".into(), Value::Int64(3));
    root.insert("bytes".into(), Value::Bytes(b"hi".as_slice().into()));
    Value::map(root)
}

fn replay(input: &[u8]) {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // The parse target sees the whole input as text.
    let _ = TemplateSet::new().parse("t", &String::from_utf8_lossy(input));
    let mut set = TemplateSet::new();
    set.set_missing_key(match mode % 3 {
        0 => MissingKey::Default,
        1 => MissingKey::Zero,
        _ => MissingKey::Error,
    });
    let limits = set.limits_mut();
    limits.max_depth = 50;
    limits.fuel = 200_000;
    limits.max_output = 1 << 20;
    if set.parse("t", &text).is_ok() {
        let _ = set.execute("t", &data());
    }
}

#[test]
fn fuzzed_inputs_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzzed");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fuzzed exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    entries.sort();
    for path in &entries {
        let input = std::fs::read(path).expect("readable fuzz input");
        replay(&input);
    }
}
