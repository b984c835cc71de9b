//! One file through the whole per-file pipeline (decode, detect, declarations and policies,
//! suppressions, redaction) and every reporter: no panic, spans ordered and inside the file,
//! no piece of a planted secret in any output.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = keylint_fuzz::harness::pipeline(data);
});
