//! Filters: inline suppressions, rule severity overrides and (later) baselines — one stage,
//! applied after detection, never inside matchers.

pub mod baseline;
pub mod suppression;
