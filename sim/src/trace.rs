//! Instruction trace: one line per executed instruction with the registers it changed.

use crate::decode::Insn;
use crate::machine::Machine;
use std::fmt::Write as _;
use std::io::Write as _;

#[derive(Clone, Default)]
pub struct Tracer {
    pub out: Vec<u8>,
    /// Exception/interrupt lines waiting for the line of the instruction that caused them.
    pending: Vec<u8>,
}

impl Machine {
    pub(crate) fn trace_insn(&mut self, insn: &Insn, pc: u32, before: &[u32; 64]) {
        let mut line = String::new();
        let _ = write!(
            line,
            "{:>10} {pc:08x}  {:<30}",
            self.cycles,
            crate::disasm::disasm_for(self.cfg.isa, insn, pc)
        );
        for (n, (old, new)) in before.iter().zip(self.cpu.regs.iter()).enumerate().take(63) {
            if old != new {
                let _ = write!(line, " r{n}={new:#x}");
            }
        }
        if self.cpu.pc != pc.wrapping_add(insn.len as u32) {
            let _ = write!(line, " -> {:08x}", self.cpu.pc);
        }
        line.push('\n');
        if let Some(t) = &mut self.tracer {
            t.out.extend_from_slice(line.as_bytes());
            t.out.append(&mut t.pending);
        }
    }
}

impl Machine {
    /// Records an exception or interrupt entry; it is written after the line of the
    /// instruction that caused it (or at once by `flush_trace_events`).
    pub(crate) fn trace_event(&mut self, what: std::fmt::Arguments) {
        if let Some(t) = &mut self.tracer {
            let _ = writeln!(&mut t.pending, "{:>10} -------- {what}", self.cycles);
        }
    }

    pub(crate) fn flush_trace_events(&mut self) {
        if let Some(t) = &mut self.tracer {
            t.out.append(&mut t.pending);
        }
    }
}
