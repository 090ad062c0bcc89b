//! The `crossings` binary: parse the command line, then open the window or run a command.

#![deny(clippy::unwrap_used)]

use std::process::ExitCode;

use clap::Parser;
use crossings::cli::{self, Cli, Command};

/// mimalloc: loading a million events makes millions of small allocations on two threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => crossings::ui::run_native(cli.data.clone()),
        Some(Command::Validate(args)) => cli::validate(&cli, args, &mut std::io::stdout()),
        Some(Command::Export(args)) => cli::export(&cli, args, &mut std::io::stderr()),
        Some(Command::Generate(args)) => cli::generate(args, &mut std::io::stderr()),
        Some(Command::Manpage) => cli::manpage(&mut std::io::stdout()),
        Some(Command::Completions { shell }) => cli::completions(*shell, &mut std::io::stdout()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("crossings: {e}");
            ExitCode::from(2)
        }
    }
}
