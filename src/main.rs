use clap::Parser;

fn main() {
    let _cli = keylint::cli::args::Cli::parse();
}
