//! Parsing any text must return Ok or a clean error: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut set = capstan_gotmpl::TemplateSet::new();
        let _ = set.parse("t", text);
    }
});
