//! The lowering pipeline: cargo (wasm32) → wasm2c → arc-linux-gnu-gcc → link.

use crate::{Error, Result};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub board: String,
    pub release: bool,
    /// Kernel cargo features, e.g. `bug-pre2018`.
    pub features: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct BuildOutput {
    pub elf: PathBuf,
    pub map: PathBuf,
    pub disasm: PathBuf,
}

pub fn build_kernel(opts: &BuildOptions) -> Result<BuildOutput> {
    let _ = opts;
    Err(Error::new("build", "not implemented yet"))
}
