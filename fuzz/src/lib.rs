//! The fuzz targets' checks live in `harness.rs`, shared with the regression test that replays
//! committed crash inputs (`tests/fuzz_regressions.rs` includes the same file).

#[path = "harness.rs"]
pub mod harness;
