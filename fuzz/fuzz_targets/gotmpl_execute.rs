//! Executing any template that parses, under tight limits, must finish with
//! output or a clean error: no panic, no stack overflow, no hang.
#![no_main]

use capstan_gotmpl::{Map, MissingKey, TemplateSet, Value};
use libfuzzer_sys::fuzz_target;

fn data() -> Value {
    let mut inner = Map::new();
    inner.insert("b".into(), Value::Float(1e6));
    inner.insert("s".into(), Value::str("x y"));
    inner.insert("n".into(), Value::Nil);
    let mut root = Map::new();
    root.insert("a".into(), Value::map(inner.clone()));
    root.insert(
        "l".into(),
        Value::list(vec![Value::Int(1), Value::str("two"), Value::map(inner), Value::Bool(true)]),
    );
    root.insert("i".into(), Value::Int64(3));
    root.insert("bytes".into(), Value::Bytes(b"hi".as_slice().into()));
    Value::map(root)
}

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
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
    if set.parse("t", text).is_ok() {
        let _ = set.execute("t", &data());
    }
});
