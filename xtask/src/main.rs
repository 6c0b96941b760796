//! Project chores: `cargo xtask codegen [--all] [--check] [--model F] [--out D] [--operation N]...`
//! `cargo xtask test [--no-moto]`, `cargo xtask conformance [--model NAME]... [--no-compile]
//! [--no-protocol] [--no-moto]` and
//! `cargo xtask bench [--no-cold] [--requests N]`.
#![forbid(unsafe_code)]

mod bench;
mod conformance;
mod test;

use std::process::ExitCode;

use xtask::{codegen, workspace_root, Failure};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <codegen|test|conformance|bench> [options]\n\n{}\n\n{}\n\n{}",
                codegen::USAGE,
                conformance::USAGE,
                bench::USAGE
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
