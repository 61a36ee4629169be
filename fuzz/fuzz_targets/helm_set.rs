//! Helm's `--set` family (every mode) on any text.
//! The calls live in crates/helm/tests/fuzzed/harness.rs, shared with the
//! replay test, so a crash input copied to crates/helm/tests/fuzzed/helm_set/
//! replays exactly.
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/helm/tests/fuzzed/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|input: &[u8]| harness::set(input));
