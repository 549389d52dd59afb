use clap::{Parser, Subcommand};
use std::process::ExitCode;
use xtask::build::{build_kernel, BuildOptions};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, run and validate the ARC kernel")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Install the toolchain pieces that are missing (Debian packages, rustup target).
    Setup,
    /// Build target/arc/<board>/kernel.elf (+ kernel.map, kernel.dis).
    Build {
        #[arg(long, default_value = "sim")]
        board: String,
        #[arg(long)]
        release: bool,
        /// Kernel cargo features (e.g. bug-pre2018).
        #[arg(long, value_delimiter = ',')]
        features: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Setup => xtask::setup::setup(false),
        Cmd::Build {
            board,
            release,
            features,
        } => build_kernel(&BuildOptions {
            board,
            release,
            features,
        })
        .map(|out| println!("{}", out.elf.display())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
