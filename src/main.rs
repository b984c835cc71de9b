use clap::Parser;

fn main() {
    keylint::cli::panic::install();
    let cli = keylint::cli::args::Cli::parse();
    std::process::exit(keylint::cli::run::run(cli));
}
