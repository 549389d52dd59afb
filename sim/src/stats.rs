//! Run statistics.

use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Cycles: retired instructions, plus one per exception entry and per idle SLEEP cycle.
    pub insns: u64,
    /// Cycles spent halted in SLEEP waiting for an interrupt.
    pub idle_cycles: u64,
    /// Exceptions taken, by vector (0–15).
    pub exceptions: [u64; 16],
    pub tlb_miss_i: u64,
    pub tlb_miss_d: u64,
    /// Interrupts taken, total and per line.
    pub interrupts: u64,
    pub interrupts_by_irq: std::collections::BTreeMap<u32, u64>,
    /// Instructions decoded (misses of the decoded-instruction cache).
    pub decodes: u64,
    /// Things the guest did that QEMU's `archs` model handles differently (it aborts, or
    /// behaves unlike silicon): an image relying on them may pass here and fail there.
    pub qemu_hazards: std::collections::BTreeMap<&'static str, u64>,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "instructions    {}", self.insns)?;
        writeln!(f, "idle cycles     {}", self.idle_cycles)?;
        writeln!(f, "decodes         {}", self.decodes)?;
        writeln!(
            f,
            "tlb misses      I {} D {}",
            self.tlb_miss_i, self.tlb_miss_d
        )?;
        writeln!(f, "interrupts      {}", self.interrupts)?;
        for (irq, n) in &self.interrupts_by_irq {
            writeln!(f, "  irq {irq:<3}       {n}")?;
        }
        for (what, n) in &self.qemu_hazards {
            writeln!(f, "QEMU hazard     {what}: {n}")?;
        }
        for (v, n) in self.exceptions.iter().enumerate().filter(|(_, n)| **n > 0) {
            writeln!(f, "exception {v:<2}    {n}")?;
        }
        Ok(())
    }
}
