#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = cloudatlas::cli::Cli::parse();
    let result = match cli.command {
        Some(command) => cloudatlas::cli::run(command),
        None => cloudatlas::app::run(cli.path),
    };
    match result {
        Ok(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
