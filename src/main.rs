use clap::Parser;

fn main() {
    let cli = keylint::cli::args::Cli::parse();
    std::process::exit(keylint::cli::run::run(cli));
}
