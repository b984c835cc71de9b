//! The span-aware Json parser: no panic, every span inside the text, ordered, on char boundaries.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keylint_fuzz::harness::syntax(keylint::syntax::Format::Json, data);
});
