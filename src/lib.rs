//! The ARC kernel. See docs/design.md.
#![cfg_attr(not(test), no_std)]

pub mod arch;
pub mod board;
