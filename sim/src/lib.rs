//! arcsim: a deterministic ARC HS (ARCv2) simulator. See docs/design.md and sim/README.md.
//!
//! Decoding (`decode`, owned by the decoder) happens once per instruction and is cached by
//! physical address, with a pre-resolved form of the frequent instructions (`engine`: the
//! cache, blocks and their dispatch); `exec` gives the decoded instructions meaning;
//! `machine` is the run loop (events, interrupts); `trap` is exception/interrupt entry and
//! return; devices sit behind `bus`.
pub mod decode;
pub mod disasm;

mod aux;
mod aux700;
pub mod bus;
pub mod config;
mod cpu;
mod dsp;
pub mod elf;
mod engine;
mod exec;
mod host_tlb;
mod inject;
pub mod irq;
mod irq700;
pub mod listing;
pub mod machine;
mod memops;
mod memory;
pub mod mmu;
mod ram;
mod semihost;
pub mod stats;
pub mod timer;
mod trace;
mod trap;
mod trap700;
pub mod uart;

pub use config::Config;
pub use cpu::st as status32;
pub use elf::{ElfInfo, LoadError};
pub use machine::{Exception, Machine, Stop};
pub use stats::Stats;
