//! The one place where the tests touch arcsim's library API (docs/design.md), so that an
//! API change is fixed here and nowhere else.

use arcsim::{Config, Machine, Stop};

/// How a run ended, in the tests' own terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    Exit(u32),
    Halt,
    Limit,
    /// Any other `Stop` variant, debug-formatted.
    Other(String),
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Exit(s) => write!(f, "exit({s})"),
            End::Halt => write!(f, "halt"),
            End::Limit => write!(f, "instruction limit"),
            End::Other(s) => write!(f, "{s}"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Opts {
    pub llsc: bool,
    pub unaligned: bool,
    pub no_semihosting: bool,
}

pub fn config(o: Opts) -> Config {
    let mut c = Config::default();
    c.llsc = o.llsc;
    c.unaligned = o.unaligned;
    if o.no_semihosting {
        c.semihosting = false;
    }
    c
}

pub struct Run {
    pub end: End,
    pub console: String,
    pub insns: u64,
    /// r0..r63 after the run.
    pub regs: Vec<u32>,
    pub pc: u32,
}

fn end_of(stop: Stop) -> End {
    match stop {
        Stop::Exit(s) => End::Exit(s),
        Stop::Halt => End::Halt,
        Stop::InsnLimit => End::Limit,
        #[allow(unreachable_patterns)]
        other => End::Other(format!("{other:?}")),
    }
}

/// Loads `image` into a fresh machine and runs it for at most `limit` instructions.
/// Err = the loader refused the image.
pub fn run_elf(image: &[u8], cfg: Config, limit: u64) -> Result<Run, String> {
    let mut m = Machine::new(cfg);
    m.load_elf(image).map_err(|e| format!("{e}"))?;
    let stop = m.run(limit);
    let console = String::from_utf8_lossy(&m.take_console()).into_owned();
    let regs = (0..64usize).map(|r| m.reg(r)).collect();
    Ok(Run {
        end: end_of(stop),
        console,
        insns: m.insns(),
        regs,
        pc: m.pc(),
    })
}

/// Interrupts to inject during a run.
#[derive(Clone, Copy, Debug)]
pub enum Irqs {
    /// Pseudo-random gaps of mean `mean` instructions, reproducible from `seed`.
    Random { seed: u64, mean: u64, irq: u32 },
    /// Every `period` instructions.
    Every { period: u64, irq: u32 },
}

/// Like `run_elf`, with interrupts injected; also returns the 32-bit words at `read`
/// (physical addresses) after the run.
pub fn run_elf_irqs(
    image: &[u8],
    cfg: Config,
    limit: u64,
    irqs: Irqs,
    read: &[u32],
) -> Result<(Run, Vec<Option<u32>>), String> {
    let mut m = Machine::new(cfg);
    m.load_elf(image).map_err(|e| format!("{e}"))?;
    match irqs {
        Irqs::Random { seed, mean, irq } => m.schedule_irq_random(seed, mean, irq),
        Irqs::Every { period, irq } => m.schedule_irq_every(period, irq),
    }
    let stop = m.run(limit);
    let console = String::from_utf8_lossy(&m.take_console()).into_owned();
    let regs = (0..64usize).map(|r| m.reg(r)).collect();
    let words = read.iter().map(|&a| m.read_phys_u32(a)).collect();
    Ok((
        Run {
            end: end_of(stop),
            console,
            insns: m.insns(),
            regs,
            pc: m.pc(),
        },
        words,
    ))
}

/// Just the loader: Ok or its error message.
pub fn load_only(image: &[u8], cfg: Config) -> Result<(), String> {
    let mut m = Machine::new(cfg);
    m.load_elf(image).map(|_| ()).map_err(|e| format!("{e}"))
}

/// Path of the `arcsim` binary built by cargo for this test run.
pub fn arcsim_bin() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_arcsim"))
}
