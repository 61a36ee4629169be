//! Chart loading from any archive bytes, tar stream or file list.
//! The calls live in crates/helm/tests/fuzzed/harness.rs, shared with the
//! replay test, so a crash input copied to crates/helm/tests/fuzzed/helm_chart/
//! replays exactly.
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/helm/tests/fuzzed/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|input: &[u8]| harness::chart(input));
