//! The fast YAML reader against the full one: whenever the fast reader
//! answers, the full reader must decode the same value (under the default
//! limits and under tiny ones), and its head-only mode (what sorting
//! rendered manifests reads) must bail exactly where the value reader
//! bails and otherwise give the head, and the errors, the full values
//! give. Findings are kept in crates/helm/tests/fuzzed/helm_yaml_fast/ and
//! replayed by crates/helm/tests/yaml_fast.rs.
#![no_main]

use capstan_helm::yaml::{Limits, fast_agrees, head_agrees};

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let tiny = Limits {
        max_bytes: 512,
        max_depth: 3,
        max_nodes: 12,
    };
    for limits in [Limits::default(), tiny] {
        if let Err(diff) = fast_agrees(text, &limits) {
            panic!("fast and full readers differ on {text:?} ({limits:?}):\n{diff}");
        }
        if let Err(diff) = head_agrees(text, &limits) {
            panic!("the head reader differs on {text:?} ({limits:?}):\n{diff}");
        }
    }
});
