//! The `crossings` binary: parse the command line, then open the window or run a command.

#![deny(clippy::unwrap_used)]
// On Windows the .exe is a GUI program: started from Explorer it opens no console window. Run
// from a terminal, it attaches to that terminal's console so the commands still print.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use crossings::cli::{self, Cli, Command};

/// mimalloc: loading a million events makes millions of small allocations on two threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    #[cfg(windows)]
    attach_parent_console();
    let cli = Cli::parse();
    let result = match &cli.command {
        None => crossings::ui::run_native(cli.data.clone()),
        Some(Command::Validate(args)) => cli::validate(&cli, args, &mut std::io::stdout()),
        Some(Command::Export(args)) => cli::export(&cli, args, &mut std::io::stderr()),
        Some(Command::Import(args)) => cli::import(args, &mut std::io::stdout()),
        Some(Command::Fmt(args)) => cli::fmt(&cli, args, &mut std::io::stdout()),
        Some(Command::Render(args)) => cli::render(&cli, args, &mut std::io::stderr()),
        Some(Command::Animate(args)) => cli::animate(&cli, args, &mut std::io::stderr()),
        Some(Command::Db(command)) => cli::db(command, &mut std::io::stdout()),
        Some(Command::Generate(args)) => cli::generate(args, &mut std::io::stderr()),
        Some(Command::Manpage) => cli::manpage(&mut std::io::stdout()),
        Some(Command::Icon { size }) => cli::icon(*size, &mut std::io::stdout()),
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

/// Windows: writes to standard output and error go to the console of the terminal the program
/// was started from, if any (none when started from Explorer).
#[cfg(windows)]
fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: AttachConsole takes a process id and has no memory-safety preconditions; it fails
    // harmlessly when there is no parent console.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}
