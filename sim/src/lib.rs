//! arcsim: a deterministic ARC HS (ARCv2) simulator. See docs/design.md.
pub mod decode;
pub mod disasm;
