//! The ARC kernel. See docs/design.md.
#![cfg_attr(not(test), no_std)]

#[macro_use]
pub mod kprint;

pub mod arch;
pub mod board;
pub mod cmpxchg;
pub mod elf;
pub mod errno;
pub mod mm;
pub mod mmu_build;
pub mod programs;
pub mod run;
pub mod sched;
pub mod signal;
pub mod sync;
pub mod syscalls;
pub mod task;
pub mod trap;
pub mod uart;
pub mod umem;

#[cfg(test)]
mod testing;

#[cfg(target_arch = "wasm32")]
mod console;
#[cfg(target_arch = "wasm32")]
mod startup;
