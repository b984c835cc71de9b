//! keylint: finds committed crypto-exchange key material and checks declared key scopes,
//! IP allowlists and rotation against policy rule files.
//!
//! Data flows one way: source → decode → bindings → detect / extract → policy → filter → redact →
//! report.

pub mod bindings;
pub mod cli;
pub mod config;
pub mod date;
pub mod decode;
pub mod detect;
pub mod diagnostic;
pub mod exchanges;
pub mod extract;
pub mod filter;
pub mod part;
pub mod policy;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rules_embedded;
pub mod rules_error;
pub mod scan;
pub mod source;
pub mod suggest;
pub mod sweep;
pub mod syntax;
pub mod usage;
