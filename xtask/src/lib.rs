//! Build, run and validate the ARC kernel. `main.rs` is a thin CLI over these modules.

pub mod atomics;
pub mod bench;
pub mod build;
pub mod fuzz;
pub mod insn_streams;
pub mod libgcc_arc700;
pub mod lowering;
pub mod placement;
pub mod report;
pub mod run;
pub mod runcache;
pub mod setup;
pub mod sim_speed;
pub mod symbols;
pub mod user;
pub mod validate;

use std::path::PathBuf;

/// The repository root (xtask lives one level below it).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// Errors carry the stage that failed and what to do about it.
#[derive(Debug)]
pub struct Error {
    pub stage: String,
    pub msg: String,
}

impl Error {
    pub fn new(stage: impl Into<String>, msg: impl Into<String>) -> Error {
        Error {
            stage: stage.into(),
            msg: msg.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.stage, self.msg)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
