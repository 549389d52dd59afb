//! Exception and interrupt entry, and RTIE (isa.md §3.2, §4.3, §4.4, with the hardware's
//! privilege rules rather than QEMU's).

use crate::cpu::{st, BLINK, ILINK, LP_COUNT, SP};
use crate::machine::{Exception, Machine, Stop};
use crate::mmu::Access;

/// AUX_IRQ_CTRL fields.
const CTRL_NR: u32 = 0x1F;
const CTRL_B: u32 = 1 << 9;
const CTRL_L: u32 = 1 << 10;
const CTRL_U: u32 = 1 << 11;
const CTRL_LP: u32 = 1 << 13;

impl Machine {
    fn vector(&mut self, n: u32) -> Result<u32, Stop> {
        let addr = self.cpu.int_vector_base.wrapping_add(4 * n);
        // INT_VECTOR_BASE is 1 KiB aligned (`write_aux`), and so is RAM: the entry is
        // word aligned.
        let word = self
            .bus
            .ram_offset(addr, 4)
            .map(|off| self.bus.ram.read_aligned::<4>(off));
        word.ok_or_else(|| {
            Stop::Lockup(format!(
                "vector {n}: table entry {addr:#010x} is not in RAM"
            ))
        })
    }

    /// Takes exception `e` raised by the instruction at `fault_pc`; ERET ← `ret`.
    pub(crate) fn enter_exception(
        &mut self,
        mut e: Exception,
        ret: u32,
        fault_pc: u32,
    ) -> Result<(), Stop> {
        if self.cfg.isa == crate::decode::Isa::ArcCompact {
            return self.enter_exception_700(e, ret, fault_pc);
        }
        self.cpu.reservation = None;
        self.sleeping = false;
        if self.cpu.status & st::AE != 0 {
            if self.cpu.ecr >> 16 == Exception::MACHINE_CHECK as u32 {
                return Err(Stop::Lockup(format!(
                    "exception {:#08x} at {fault_pc:#010x} inside the machine-check handler",
                    (e.vector as u32) << 16 | (e.cause as u32) << 8 | e.param as u32
                )));
            }
            e = Exception {
                vector: Exception::MACHINE_CHECK,
                cause: 0,
                param: 0,
                efa: e.efa,
            };
        }
        self.stats.exceptions[e.vector as usize & 15] += 1;
        if e.vector == Exception::MEMORY_ERROR {
            self.hazard("Memory Error (QEMU reads 0 and drops writes)");
        }
        match e.vector {
            4 => self.stats.tlb_miss_i += 1,
            5 => self.stats.tlb_miss_d += 1,
            _ => {}
        }
        let old = self.cpu.status;
        self.cpu.erstatus = old;
        self.cpu.eret = ret;
        self.cpu.erbta = self.cpu.bta;
        self.cpu.ecr = (e.vector as u32) << 16 | (e.cause as u32) << 8 | e.param as u32;
        self.cpu.efa = e.efa.unwrap_or(fault_pc);
        if old & st::U != 0 {
            self.cpu.swap_sp();
        }
        let cleared = st::U | st::IE | st::DE | st::ES | st::DZ | st::Z;
        let z = if old & st::U != 0 { st::Z } else { 0 };
        self.cpu.status = (old & !cleared) | st::AE | st::L | z;
        self.cpu.in_slot = false;
        self.cpu.pc = self.vector(e.vector as u32)?;
        if self.tracer.is_some() {
            let (ecr, efa, pc) = (self.cpu.ecr, self.cpu.efa, self.cpu.pc);
            self.trace_event(format_args!(
                "exception ECR={ecr:#08x} ERET={ret:#010x} EFA={efa:#010x} -> {pc:08x}"
            ));
        }
        self.recheck_irqs_if_requested();
        Ok(())
    }

    fn push(&mut self, v: u32) -> Result<(), Stop> {
        let sp = self.cpu.regs[SP].wrapping_sub(4);
        self.write_as(sp, 4, 4, v, Access::Write, false)
            .map_err(|e| {
                Stop::Lockup(format!(
                    "exception {:#x} pushing the interrupt frame at {sp:#010x}",
                    e.vector
                ))
            })?;
        self.cpu.regs[SP] = sp;
        Ok(())
    }

    fn pop(&mut self) -> Result<u32, Stop> {
        let sp = self.cpu.regs[SP];
        let v = self.read_as(sp, 4, 4, Access::Read, false).map_err(|e| {
            Stop::Lockup(format!(
                "exception {:#x} popping the interrupt frame at {sp:#010x}",
                e.vector
            ))
        })?;
        self.cpu.regs[SP] = sp.wrapping_add(4);
        Ok(v)
    }

    fn frame_pairs(&self) -> u32 {
        (self.cpu.irq_ctrl & CTRL_NR).min(16)
    }

    /// Interrupt entry for line `irq` at priority `p`.
    pub(crate) fn enter_interrupt(&mut self, irq: u32, p: u32) -> Result<(), Stop> {
        self.stats.interrupts += 1;
        *self.stats.interrupts_by_irq.entry(irq).or_default() += 1;
        self.cpu.reservation = None;
        let old = self.cpu.status;
        let from_user = old & st::U != 0;
        self.irq.activate(irq, p, from_user);
        let ctrl = self.cpu.irq_ctrl;
        if p == 0 {
            // Fast interrupt: nothing pushed, STATUS32 kept in STATUS32_P0.
            if from_user {
                self.cpu.swap_sp();
            }
            self.cpu.status32_p0 = old;
        } else {
            if from_user && ctrl & CTRL_U == 0 {
                self.cpu.swap_sp();
            }
            self.push(old)?;
            self.push(self.cpu.pc)?;
            if ctrl & CTRL_LP != 0 {
                for v in [self.cpu.jli_base, self.cpu.ldi_base, self.cpu.ei_base] {
                    self.push(v)?;
                }
            }
            if ctrl & CTRL_L != 0 {
                for v in [self.cpu.regs[LP_COUNT], self.cpu.lp_start, self.cpu.lp_end] {
                    self.push(v)?;
                }
            }
            let pairs = self.frame_pairs();
            if ctrl & CTRL_B != 0 && pairs != 16 {
                self.push(self.cpu.regs[BLINK])?;
            }
            for i in (1..=pairs as usize).rev() {
                self.push(self.cpu.regs[2 * i - 1])?;
                self.push(self.cpu.regs[2 * i - 2])?;
            }
            if from_user && ctrl & CTRL_U != 0 {
                self.cpu.swap_sp();
            }
        }
        self.cpu.regs[ILINK] = self.cpu.pc;
        let z = if from_user { st::Z } else { 0 };
        self.cpu.status = (old & !(st::Z | st::ES | st::DZ | st::DE | st::U)) | st::L | z;
        self.cpu.in_slot = false;
        self.sleeping = false;
        let from = self.cpu.pc;
        self.cpu.pc = self.vector(irq)?;
        if self.tracer.is_some() {
            let pc = self.cpu.pc;
            self.trace_event(format_args!(
                "interrupt {irq} priority {p} at {from:#010x} -> {pc:08x}"
            ));
        }
        Ok(())
    }

    /// RTIE in kernel mode: exception return when AE is set or no interrupt is active,
    /// otherwise the interrupt return of the highest active priority. Returns the new PC.
    /// Inlined: the exception return ends every TLB refill.
    #[inline(always)]
    pub(crate) fn rtie(&mut self) -> Result<u32, Stop> {
        if self.cfg.isa == crate::decode::Isa::ArcCompact {
            return Ok(self.rtie_700());
        }
        self.cpu.reservation = None;
        self.recheck_irqs_if_requested();
        if self.cpu.status & st::AE != 0 || self.irq.act & 0xFFFF == 0 {
            self.cpu.status = self.cpu.erstatus;
            self.cpu.bta = self.cpu.erbta;
            if self.cpu.status & st::U != 0 {
                self.cpu.swap_sp();
            }
            self.cpu.in_slot = self.cpu.status & st::DE != 0;
            return Ok(self.cpu.eret);
        }
        self.rtie_interrupt()
    }

    /// RTIE's interrupt return, of the highest active priority.
    #[inline(never)]
    fn rtie_interrupt(&mut self) -> Result<u32, Stop> {
        let act = self.irq.act;
        let p = (act & 0xFFFF).trailing_zeros();
        self.irq.act &= !(1 << p);
        let outermost = self.irq.act & 0xFFFF == 0;
        let to_user_frame = act & (1 << 31) != 0;
        if p == 0 {
            if outermost && to_user_frame {
                self.cpu.swap_sp();
            }
            self.cpu.status = self.cpu.status32_p0;
        } else {
            let ctrl = self.cpu.irq_ctrl;
            if outermost && to_user_frame && ctrl & CTRL_U != 0 {
                self.cpu.swap_sp();
            }
            let pairs = self.frame_pairs() as usize;
            for i in 1..=pairs {
                self.cpu.regs[2 * i - 2] = self.pop()?;
                self.cpu.regs[2 * i - 1] = self.pop()?;
            }
            if ctrl & CTRL_B != 0 && pairs != 16 {
                self.cpu.regs[BLINK] = self.pop()?;
            }
            if ctrl & CTRL_L != 0 {
                self.cpu.lp_end = self.pop()?;
                self.cpu.lp_start = self.pop()?;
                self.cpu.regs[LP_COUNT] = self.pop()?;
            }
            if ctrl & CTRL_LP != 0 {
                self.cpu.ei_base = self.pop()?;
                self.cpu.ldi_base = self.pop()?;
                self.cpu.jli_base = self.pop()?;
            }
            self.cpu.regs[ILINK] = self.pop()?;
            self.cpu.status = self.pop()?;
            if outermost && self.cpu.status & st::U != 0 && ctrl & CTRL_U == 0 {
                self.cpu.swap_sp();
            }
        }
        if self.cpu.status & st::U != 0 {
            self.irq.act &= !(1 << 31);
        }
        self.cpu.in_slot = self.cpu.status & st::DE != 0;
        Ok(self.cpu.regs[ILINK])
    }
}
