//! The machine: CPU, MMU, interrupt controller, timers and bus, and the run loop that
//! fetches (through the decoded-instruction cache), executes and services events.

use crate::bus::{Bus, UART_IRQ};
use crate::config::Config;
use crate::cpu::{st, Cpu};
use crate::decode::Insn;
use crate::elf::{self, ElfInfo, LoadError};
use crate::engine::DecodedCache;
use crate::inject::Injections;
use crate::irq::IrqController;
use crate::memory::PageXlate;
use crate::mmu::Mmu;
use crate::stats::Stats;
use crate::timer::{Rtc, Timer};
use crate::trace::Tracer;

/// Why `run` returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Semihosting exit (`swi` with r8 = 1): the guest's status from r0.
    Exit(u32),
    /// `flag 1` (or SR/KFLAG setting H) in kernel mode.
    Halt,
    /// The instruction budget of this `run` call is used up.
    InsnLimit,
    /// `brk` in kernel mode: the core halts for a debugger, at this PC.
    Breakpoint(u32),
    /// The core cannot go on: an exception inside a machine-check handler, an unreadable
    /// vector table entry, or a fault while pushing/popping an interrupt frame.
    Lockup(String),
}

/// An exception raised by the current instruction (ECR parts and, for memory faults, EFA).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exception {
    pub vector: u8,
    pub cause: u8,
    pub param: u8,
    /// Faulting address; `None` = the instruction's own address.
    pub efa: Option<u32>,
}

impl Exception {
    pub const fn new(vector: u8, cause: u8, param: u8) -> Exception {
        Exception {
            vector,
            cause,
            param,
            efa: None,
        }
    }
    pub const MEMORY_ERROR: u8 = 1;
    pub const INSTRUCTION_ERROR: Exception = Exception::new(2, 0, 0);
    pub const MACHINE_CHECK: u8 = 3;
    pub const PRIVILEGE: Exception = Exception::new(7, 0, 0);
    pub const DIV_ZERO: Exception = Exception::new(11, 0, 0);
    pub const MISALIGNED: u8 = 13;
}

/// What interrupts the flow of one instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Trap {
    Exc(Exception),
    Stop(Stop),
}

impl From<Exception> for Trap {
    fn from(e: Exception) -> Trap {
        Trap::Exc(e)
    }
}

/// How control continues after an instruction completed, packed in one word so the hot
/// path returns it in a register: bits 7:0 kind, bits 63:32 target (or trap number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flow(u64);

impl Flow {
    /// Sequential (delay-slot completion and zero-overhead loops apply).
    pub const NEXT: Flow = Flow(0);
    /// SLEEP: completes like NEXT, then the core idles until an interrupt is pending.
    pub const SLEEP: Flow = Flow(5);
    const JUMP: u64 = 1;
    const DELAYED_TAKEN: u64 = 2;
    const DELAYED_NOT_TAKEN: u64 = 3;
    const TRAP: u64 = 4;
    const INDEXED: u64 = 6;

    /// Straight to a new PC (taken non-delayed branch, RTIE).
    pub const fn jump(target: u32) -> Flow {
        Flow(Self::JUMP | (target as u64) << 32)
    }
    /// A `.d` branch: the next instruction is its delay slot; if taken, DE and BTA are set.
    pub const fn delayed(taken: bool, target: u32) -> Flow {
        Flow(
            if taken {
                Self::DELAYED_TAKEN
            } else {
                Self::DELAYED_NOT_TAKEN
            } | (target as u64) << 32,
        )
    }
    /// TRAP_S: completes like NEXT, then raises Trap with ERET = the resulting PC.
    pub const fn trap(n: u8) -> Flow {
        Flow(Self::TRAP | (n as u64) << 32)
    }
    /// EI_S: execute the instruction at `target`, then continue at the next one.
    pub const fn indexed(target: u32) -> Flow {
        Flow(Self::INDEXED | (target as u64) << 32)
    }
    fn kind(self) -> u64 {
        self.0 & 0xFF
    }
    fn arg(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

#[derive(Clone)]
pub struct Machine {
    pub(crate) cfg: Config,
    pub(crate) cpu: Cpu,
    pub(crate) bus: Bus,
    pub(crate) mmu: Mmu,
    pub(crate) irq: IrqController,
    /// ARC700's interrupt levels and registers (unused on an ARCv2 core).
    pub(crate) irq700: crate::irq700::Irq700,
    pub(crate) timers: [Timer; 2],
    pub(crate) rtc: Rtc,
    pub(crate) code: DecodedCache,
    /// Cycle counter: retired instructions + exception entries + idle cycles.
    pub(crate) cycles: u64,
    /// Cycle of the next timer expiry, per timer.
    timer_expiry: [u64; 2],
    /// The run loop services events (timers, injections, interrupt acceptance, the
    /// budget) when `cycles` reaches this.
    pub(crate) next_event: u64,
    limit: u64,
    pub(crate) sleeping: bool,
    /// An interrupt was acceptable but blocked by a delay slot: recheck when DE clears.
    pub(crate) irq_waiting: bool,
    injections: Injections,
    /// Cycle of the next injection (cached `injections.next_at()`).
    next_injection: u64,
    pub(crate) stats: Stats,
    pub(crate) tracer: Option<Tracer>,
    pub(crate) xlate: [PageXlate; 3],
    /// `Ram::allocations` when the host TLB last dropped its zero-page read entries.
    pub(crate) ram_allocations_seen: u64,
    pub(crate) refill_hint: Option<crate::memory::RefillHint>,
}

pub(crate) const PAGE_MASK: u32 = !0x1FFF;

impl Machine {
    /// A machine in reset state. An invalid configuration (see `Config::validate`) is
    /// replaced by the nearest valid TLB geometry; use `try_new` to get the error instead.
    pub fn new(cfg: Config) -> Machine {
        match Machine::try_new(cfg.clone()) {
            Ok(m) => m,
            Err(_) => {
                let d = Config::default();
                let fixed = Config {
                    tlb_sets: if cfg.tlb_sets.is_power_of_two() {
                        cfg.tlb_sets.clamp(64, 512)
                    } else {
                        d.tlb_sets
                    },
                    tlb_ways: if [2, 4, 6].contains(&cfg.tlb_ways) {
                        cfg.tlb_ways
                    } else {
                        d.tlb_ways
                    },
                    ram_base: if cfg.ram_base.is_multiple_of(8192) {
                        cfg.ram_base
                    } else {
                        d.ram_base
                    },
                    ram_size: cfg.ram_size.max(8192) / 8192 * 8192,
                    ..cfg
                };
                Machine::try_new(fixed).unwrap_or_else(|_| Machine::build(Config::default()))
            }
        }
    }

    pub fn try_new(cfg: Config) -> Result<Machine, crate::config::ConfigError> {
        cfg.validate()?;
        Ok(Machine::build(cfg))
    }

    fn build(cfg: Config) -> Machine {
        let timers = [Timer::default(), Timer::default()];
        let timer_expiry = [timers[0].next_expiry(0), timers[1].next_expiry(0)];
        Machine {
            bus: Bus::new(cfg.ram_base, cfg.ram_size),
            mmu: Mmu::new(cfg.tlb_sets, cfg.tlb_ways),
            code: DecodedCache::new(cfg.ram_base, cfg.ram_size),
            cpu: Cpu::default(),
            irq: IrqController::default(),
            irq700: Default::default(),
            timers,
            rtc: Rtc::default(),
            cycles: 0,
            timer_expiry,
            next_event: 0,
            limit: 0,
            sleeping: false,
            irq_waiting: false,
            injections: Injections::default(),
            next_injection: u64::MAX,
            stats: Stats::default(),
            tracer: None,
            xlate: [PageXlate::EMPTY; 3],
            ram_allocations_seen: 0,
            refill_hint: None,
            cfg,
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Loads an executable into RAM and points PC at its entry.
    pub fn load_elf(&mut self, image: &[u8]) -> Result<ElfInfo, LoadError> {
        let parsed = elf::parse(image, self.cfg.ram_base, self.cfg.ram_size)?;
        if parsed.info.isa != self.cfg.isa {
            return Err(LoadError::WrongIsa {
                elf: parsed.info.isa,
                core: self.cfg.isa,
            });
        }
        for (seg, bytes) in parsed.info.segments.iter().zip(&parsed.data) {
            let off = (seg.paddr - self.cfg.ram_base) as usize;
            self.bus.ram.write_bytes(off, bytes);
            self.bus
                .ram
                .zero(off + bytes.len(), seg.memsz as usize - bytes.len());
        }
        self.clear_code();
        self.cpu.pc = parsed.info.entry;
        Ok(parsed.info)
    }

    /// Runs until the guest exits or halts, or `max_insns` more cycles have passed.
    pub fn run(&mut self, max_insns: u64) -> Stop {
        self.limit = self.cycles.saturating_add(max_insns);
        self.next_event = self.cycles;
        let stop = if self.tracer.is_some() {
            self.run_loop::<true>()
        } else {
            self.run_loop::<false>()
        };
        self.stats.insns = self.cycles;
        stop
    }

    fn run_loop<const TRACE: bool>(&mut self) -> Stop {
        loop {
            if self.cycles >= self.next_event {
                let stop = self.service_events();
                if TRACE {
                    self.flush_trace_events();
                }
                if let Some(stop) = stop {
                    return stop;
                }
                continue;
            }
            if let Err(stop) = self.run_blocks::<TRACE>() {
                return stop;
            }
        }
    }

    /// Drops every decoded instruction, and the host TLB's pointers to them.
    fn clear_code(&mut self) {
        self.code.clear();
        self.mmu.host.invalidate_all();
    }

    /// Retired instructions (cycles) so far.
    pub fn insns(&self) -> u64 {
        self.cycles
    }

    /// Raises line `irq` when the cycle counter reaches `at_insn`. For 16/17 this forces
    /// that timer's expiry (IP set; the line follows IE); other lines stay pending until
    /// the interrupt is taken.
    pub fn schedule_irq(&mut self, at_insn: u64, irq: u32) {
        self.injections.at(at_insn, irq);
        self.next_injection = self.injections.next_at();
        self.next_event = self.next_event.min(at_insn);
    }

    /// Injects `irq` every `period` cycles from now.
    pub fn schedule_irq_every(&mut self, period: u64, irq: u32) {
        self.injections.every(period, irq, self.cycles);
        self.next_injection = self.injections.next_at();
        self.next_event = self.cycles;
    }

    /// Injects `irq` at pseudo-random gaps of mean `mean` cycles, reproducible from `seed`.
    pub fn schedule_irq_random(&mut self, seed: u64, mean: u64, irq: u32) {
        self.injections.random(seed, mean, irq, self.cycles);
        self.next_injection = self.injections.next_at();
        self.next_event = self.cycles;
    }

    /// UART (and semihosting) output since the last call.
    pub fn take_console(&mut self) -> Vec<u8> {
        self.bus.uart.take_output()
    }

    /// Queues bytes for the UART receiver.
    pub fn push_console_input(&mut self, bytes: &[u8]) {
        self.bus.uart.push_input(bytes);
        self.sync_device_irqs();
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Counts a behaviour QEMU's model does not share (see `Stats::qemu_hazards`).
    #[cold]
    pub(crate) fn hazard(&mut self, what: &'static str) {
        *self.stats.qemu_hazards.entry(what).or_default() += 1;
    }

    // ----- events -----

    pub(crate) fn recheck_irqs(&mut self) {
        self.next_event = self.cycles;
    }

    /// The recheck of a change to STATUS32's interrupt state (exception entry, RTIE): it
    /// can only let an interrupt in when some enabled line already requests one (line
    /// levels change only at events, which are serviced anyway), so without a request
    /// the block goes on. A TLB refill's exception entry and RTIE each used to pay a full
    /// event service (74 host instructions) for nothing.
    pub(crate) fn recheck_irqs_if_requested(&mut self) {
        let requested = if self.cfg.isa == crate::decode::Isa::ArcCompact {
            self.requests_700() & self.irq700.enable != 0
        } else {
            self.irq.any_enabled_pending()
        };
        if requested || self.irq_waiting {
            self.recheck_irqs();
        }
    }

    pub(crate) fn sync_device_irqs(&mut self) {
        let uart = crate::bus::BusDevice::irq_level(&self.bus.uart);
        self.irq.set_line(UART_IRQ, uart);
        self.irq.set_line(16, self.timers[0].irq_level());
        self.irq.set_line(17, self.timers[1].irq_level());
        self.recheck_irqs();
    }

    /// A timer register changed: its next expiry moves.
    pub(crate) fn timer_changed(&mut self, t: usize) {
        self.timer_expiry[t] = self.timers[t].next_expiry(self.cycles);
        self.sync_device_irqs();
    }

    fn service_events(&mut self) -> Option<Stop> {
        loop {
            for t in 0..2 {
                while self.cycles >= self.timer_expiry[t] {
                    let at = self.timer_expiry[t];
                    self.timers[t].expire(at);
                    self.timer_expiry[t] = self.timers[t].next_expiry(at);
                }
            }
            if self.cycles >= self.next_injection {
                for irq in self.injections.take_due(self.cycles) {
                    match irq {
                        16 | 17 => self.timers[irq as usize - 16].force_pending(),
                        _ if self.cfg.isa == crate::decode::Isa::ArcCompact => self.latch_700(irq),
                        _ => self.irq.latch(irq),
                    }
                }
                self.next_injection = self.injections.next_at();
            }
            let uart = crate::bus::BusDevice::irq_level(&self.bus.uart);
            self.irq.set_line(UART_IRQ, uart);
            self.irq.set_line(16, self.timers[0].irq_level());
            self.irq.set_line(17, self.timers[1].irq_level());
            if self.cycles >= self.limit {
                self.next_event = self.cycles;
                return Some(Stop::InsnLimit);
            }
            let upcoming = self.timer_expiry[0]
                .min(self.timer_expiry[1])
                .min(self.next_injection);
            if self.sleeping {
                let wake = if self.cfg.isa == crate::decode::Isa::ArcCompact {
                    self.any_pending_700()
                } else {
                    self.irq.any_enabled_pending()
                };
                if wake {
                    self.sleeping = false;
                } else {
                    let to = upcoming.min(self.limit);
                    self.stats.idle_cycles += to - self.cycles;
                    self.cycles = to;
                    continue;
                }
            }
            self.irq_waiting = false;
            if let Some(stop) = self.accept_interrupt() {
                return Some(stop);
            }
            self.next_event = upcoming.min(self.limit);
            return None;
        }
    }

    /// Takes the best pending interrupt if the core accepts one now.
    fn accept_interrupt(&mut self) -> Option<Stop> {
        // ARC700 has no IE (bit 31 is reserved there, whatever a saved STATUS32 brings
        // back): its two levels are gated by E1/E2 and A1/A2 instead. Checked per event,
        // not per instruction.
        if self.cfg.isa == crate::decode::Isa::ArcCompact {
            return self.accept_interrupt_700().err();
        }
        let s = self.cpu.status;
        if s & st::IE == 0 || s & st::AE != 0 || s & st::H != 0 {
            return None;
        }
        let e = (s & st::E_MASK) >> st::E_SHIFT;
        let (irq, prio) = self.irq.best(e)?;
        // Not between a branch and its delay slot, nor inside EI_S: BTA is not saved.
        if s & (st::DE | st::ES) != 0 {
            self.irq_waiting = true;
            return None;
        }
        self.enter_interrupt(irq, prio).err()
    }

    // ----- one instruction -----

    /// One instruction at `pc` (physical `ppc`) through the generic executor: the cached
    /// decoded form, or a fresh decode (cached unless it crosses a page end; code outside
    /// RAM faults here). Out of line: it holds the whole executor.
    #[inline(never)]
    pub(crate) fn step_at<const TRACE: bool>(&mut self, pc: u32, ppc: u32) -> Result<(), Stop> {
        let insn: Insn = match self.code.get_ref(ppc) {
            Some(i) => *i,
            None => match self.fetch_slow(pc, ppc) {
                Ok(i) => i,
                Err(e) => return self.fetch_fault(e, pc),
            },
        };
        self.cpu.regs[crate::cpu::PCL] = pc & !3;
        let next = pc.wrapping_add(insn.len as u32);
        let before = if TRACE { Some(self.cpu.regs) } else { None };
        let result = self.execute(&insn, pc, next);
        self.cycles += 1;
        let r = match result {
            Ok(flow) => self.complete(flow, pc, next),
            Err(Trap::Exc(e)) => self.enter_exception(e, pc, pc),
            Err(Trap::Stop(s)) => Err(s),
        };
        if let Some(before) = before {
            self.trace_insn(&insn, pc, &before);
        }
        // The generic executor's stores may have allocated a RAM page.
        self.sync_host_with_ram();
        r
    }

    #[cold]
    pub(crate) fn fetch_fault(&mut self, e: Exception, pc: u32) -> Result<(), Stop> {
        self.cycles += 1;
        let r = self.enter_exception(e, pc, pc);
        self.flush_trace_events();
        r
    }

    /// PC update after a completed instruction: delay slots, then zero-overhead loops.
    #[inline(always)]
    pub(crate) fn complete(&mut self, flow: Flow, pc: u32, next: u32) -> Result<(), Stop> {
        match flow.kind() {
            0 => {
                self.advance(next);
                Ok(())
            }
            Flow::JUMP => {
                // A taken branch executed by EI_S goes where it branches.
                self.cpu.status &= !st::ES;
                self.cpu.in_slot = false;
                self.cpu.pc = flow.arg();
                Ok(())
            }
            Flow::INDEXED => {
                self.cpu.status |= st::ES;
                self.cpu.bta = next;
                self.cpu.in_slot = false;
                self.cpu.pc = flow.arg();
                Ok(())
            }
            Flow::DELAYED_TAKEN | Flow::DELAYED_NOT_TAKEN => {
                if flow.kind() == Flow::DELAYED_TAKEN {
                    self.cpu.status |= st::DE;
                    self.cpu.bta = flow.arg();
                }
                self.cpu.in_slot = true;
                self.cpu.pc = next;
                Ok(())
            }
            Flow::TRAP => {
                self.advance(next);
                let ret = self.cpu.pc;
                self.enter_exception(Exception::new(9, 0, flow.arg() as u8), ret, pc)
            }
            _ => {
                self.advance(next);
                self.sleeping = true;
                self.recheck_irqs();
                Ok(())
            }
        }
    }

    /// Moves the PC past a completed instruction (delay-slot end, loop-back or `next`)
    /// and returns it.
    #[inline(always)]
    pub(crate) fn advance(&mut self, next: u32) -> u32 {
        self.cpu.in_slot = false;
        let pc = if self.cpu.status & (st::DE | st::ES) != 0 {
            // End of a taken branch's delay slot, or of the instruction run by EI_S:
            // continue at BTA.
            self.cpu.status &= !(st::DE | st::ES);
            if self.irq_waiting {
                self.recheck_irqs();
            }
            self.cpu.bta
        } else if next == self.cpu.lp_end && self.cpu.status & st::L == 0 {
            self.loop_back(next)
        } else {
            next
        };
        self.cpu.pc = pc;
        pc
    }

    /// End of a zero-overhead loop body: LP_COUNT is decremented, and the body repeats
    /// while it is non-zero.
    pub(crate) fn loop_back(&mut self, next: u32) -> u32 {
        if self.cpu.regs[crate::cpu::LP_COUNT] == 0 {
            self.hazard("zero-overhead loop end with LP_COUNT 0 (QEMU leaves the loop)");
        }
        let lc = &mut self.cpu.regs[crate::cpu::LP_COUNT];
        *lc = lc.wrapping_sub(1);
        if *lc != 0 {
            self.cpu.lp_start
        } else {
            next
        }
    }

    // ----- accessors for tests and tools -----

    pub fn pc(&self) -> u32 {
        self.cpu.pc
    }

    pub fn set_pc(&mut self, pc: u32) {
        self.cpu.pc = pc;
        self.cpu.in_slot = false;
    }

    /// Core register r0–r63 (r63 reads the PCL of the last executed instruction).
    pub fn reg(&self, n: usize) -> u32 {
        self.cpu.regs[n & 63]
    }

    pub fn set_reg(&mut self, n: usize, v: u32) {
        self.cpu.regs[n & 63] = v;
    }

    pub fn status32(&self) -> u32 {
        self.cpu.status
    }

    pub fn set_status32(&mut self, v: u32) {
        self.cpu.status = v;
        self.recheck_irqs();
    }

    /// LR as the kernel would do it; `None` for an address that is no aux register.
    pub fn aux(&mut self, addr: u32) -> Option<u32> {
        let saved = self.cpu.status;
        self.cpu.status &= !st::U;
        let v = self.read_aux(addr).ok();
        self.cpu.status = saved;
        v
    }

    /// SR as the kernel would do it; false when the register cannot be written.
    pub fn set_aux(&mut self, addr: u32, v: u32) -> bool {
        let saved = self.cpu.status;
        self.cpu.status &= !st::U;
        let ok = self.write_aux(addr, v).is_ok();
        if addr != crate::aux::STATUS32 {
            self.cpu.status = saved;
        }
        ok
    }

    /// Physical memory read (RAM only), e.g. to check results.
    pub fn read_phys(&self, paddr: u32, len: usize) -> Option<Vec<u8>> {
        let off = self.bus.ram_offset(paddr, len as u32)?;
        Some(self.bus.ram.read_bytes(off, len))
    }

    pub fn read_phys_u32(&self, paddr: u32) -> Option<u32> {
        self.read_phys(paddr, 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Physical memory write (RAM only); false when outside RAM.
    pub fn write_phys_bytes(&mut self, paddr: u32, bytes: &[u8]) -> bool {
        match self.bus.ram_offset(paddr, bytes.len() as u32) {
            Some(off) => {
                self.bus.ram.write_bytes(off, bytes);
                self.clear_code();
                true
            }
            None => false,
        }
    }

    /// TLB entry `index` as (PD0, PD1).
    pub fn tlb_entry(&self, index: u32) -> Option<(u32, u32)> {
        self.mmu.entry(index).map(|e| (e.pd0, e.pd1))
    }

    /// Starts (or stops) recording an instruction trace.
    pub fn set_trace(&mut self, on: bool) {
        self.tracer = if on { Some(Tracer::default()) } else { None };
    }

    /// Trace text recorded since the last call.
    pub fn take_trace(&mut self) -> Vec<u8> {
        self.tracer
            .as_mut()
            .map(|t| std::mem::take(&mut t.out))
            .unwrap_or_default()
    }
}
