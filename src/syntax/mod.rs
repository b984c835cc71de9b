//! One span-aware document tree shared by YAML, JSON and TOML (`tree`), with one parser per
//! format. Every node and map key keeps its byte range, so diagnostics point at the exact item.

pub mod json;
pub mod toml;
pub mod tree;
pub mod yaml;

pub use tree::{parse, Entry, Format, Kind, Node, SyntaxError, MAX_DEPTH};
