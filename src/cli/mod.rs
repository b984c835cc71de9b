//! The command line: flags (`args`), their resolution into a plan (`plan`), and the commands.

pub mod args;
