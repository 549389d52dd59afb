//! Machine configuration: the `sim` board by default (docs/design.md).

pub use crate::decode::Isa;

/// What the simulated core and board look like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Instruction set of the core: ARCv2 (ARC HS, default) or ARCompact (ARC700). An ELF
    /// must be built for it (EM_ARCV2 / EM_ARC_COMPACT).
    pub isa: Isa,
    /// Physical base of RAM (0x8000_0000).
    pub ram_base: u32,
    /// RAM size in bytes (256 MiB).
    pub ram_size: u32,
    /// LLOCK/SCOND present. Off: they raise Instruction Error (the LL/SC-less core).
    pub llsc: bool,
    /// Unaligned-access option present. Off: misaligned ld/st raise Misaligned (vector 13);
    /// on: they work while STATUS32.AD is set.
    pub unaligned: bool,
    /// MMUv4 TLB geometry: 64, 128, 256 or 512 sets.
    pub tlb_sets: u32,
    /// MMUv4 TLB geometry: 2, 4 or 6 ways (MMU_BUILD encodes ways / 2).
    pub tlb_ways: u32,
    /// Informational: one timer cycle per retired instruction.
    pub timer_hz: u64,
    /// `swi` with r8 = 1 ends the run, r8 = 4 writes to the console.
    pub semihosting: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            isa: Isa::ArcV2,
            ram_base: 0x8000_0000,
            ram_size: 256 << 20,
            llsc: false,
            unaligned: false,
            tlb_sets: 256,
            tlb_ways: 4,
            timer_hz: 50_000_000,
            semihosting: true,
        }
    }
}

/// A configuration the hardware cannot be built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Checks that MMU_BUILD can describe the geometry and RAM fits the address space.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if ![64, 128, 256, 512].contains(&self.tlb_sets) {
            return Err(ConfigError(format!(
                "tlb_sets {} (must be 64, 128, 256 or 512)",
                self.tlb_sets
            )));
        }
        if ![2, 4, 6].contains(&self.tlb_ways) {
            return Err(ConfigError(format!(
                "tlb_ways {} (must be 2, 4 or 6)",
                self.tlb_ways
            )));
        }
        if self.ram_size == 0 || !self.ram_size.is_multiple_of(8192) {
            return Err(ConfigError(format!(
                "ram_size {:#x} (must be a non-zero multiple of 8 KiB)",
                self.ram_size
            )));
        }
        if !self.ram_base.is_multiple_of(8192) {
            return Err(ConfigError(format!(
                "ram_base {:#x} is not 8 KiB aligned",
                self.ram_base
            )));
        }
        let end = self.ram_base as u64 + self.ram_size as u64;
        if end > crate::bus::UART_BASE as u64 {
            return Err(ConfigError(format!(
                "RAM {:#x}+{:#x} overlaps the I/O window at {:#x}",
                self.ram_base,
                self.ram_size,
                crate::bus::UART_BASE
            )));
        }
        Ok(())
    }
}
