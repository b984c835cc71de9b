//! The command line: flags (`args`), their resolution into a plan (`plan`), and the commands (`run`).

pub mod args;
mod baseline;
mod history;
mod location;
pub mod panic;
pub mod plan;
pub mod run;
mod sweep;
pub mod terminal;
mod usage;
