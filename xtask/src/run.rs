//! Runners: the embedded simulator (in-process), qemu-system-arc, nsimdrv.

use crate::{Error, Result};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    Sim,
    Qemu,
    Nsim,
}

impl Runner {
    pub fn parse(name: &str) -> Result<Runner> {
        match name {
            "sim" => Ok(Runner::Sim),
            "qemu" => Ok(Runner::Qemu),
            "nsim" => Ok(Runner::Nsim),
            other => Err(Error::new("run", format!("unknown runner `{other}`; choose sim, qemu or nsim"))),
        }
    }
    pub fn for_board(board: &boards::Board) -> Result<Runner> {
        Runner::parse(&board.default_runner)
    }
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Instruction budget for the simulator (0 = its default).
    pub max_insns: u64,
    /// Interrupt injections for the simulator: (instruction count, irq line).
    pub irq_at: Vec<(u64, u32)>,
    /// Echo console output to stdout as it arrives.
    pub echo: bool,
}

#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub console: String,
    /// Exit status the run ended with (semihosting status, or 0 for a halt).
    pub status: Option<u32>,
    /// How the run ended, in words ("exit 0", "halt", "instruction limit", ...).
    pub ended: String,
    /// Simulated instructions (simulator only).
    pub insns: Option<u64>,
}

pub fn run_image(board: &str, runner: Runner, elf: &Path, opts: &RunOptions) -> Result<RunOutcome> {
    let _ = (board, runner, elf, opts);
    Err(Error::new("run", "not implemented yet"))
}
