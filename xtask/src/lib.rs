//! Build, run and validate the ARC kernel. The binary in main.rs is a thin CLI over this.
