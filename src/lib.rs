//! The ARC kernel. See docs/design.md.
#![cfg_attr(not(test), no_std)]

#[macro_use]
pub mod kprint;

pub mod arch;
pub mod board;
pub mod mmu_build;
pub mod run;
pub mod sync;
pub mod uart;

#[cfg(target_arch = "wasm32")]
mod console;
#[cfg(target_arch = "wasm32")]
mod startup;
