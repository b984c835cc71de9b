//! keylint: finds committed crypto-exchange key material and checks declared key scopes,
//! IP allowlists and rotation against policy rule files.
//!
//! Data flows one way: source → decode → detect / extract → policy → filter → report.

pub mod cli;
pub mod decode;
pub mod diagnostic;
pub mod extract;
pub mod policy;
pub mod report;
pub mod source;
pub mod syntax;
