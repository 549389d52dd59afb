//! The execution engine: the decoded-code cache and the dispatch loop that runs it.
//!
//! # Blocks
//! A block is the run of instructions the core executes in one fetch page (8 KiB, one
//! translation) without anything happening that could change what the next instruction
//! means. `run_block` translates the PC once, then executes instruction after instruction
//! straight out of that page's cached forms while control stays in the page, sequentially
//! or by branches, jumps and loop-backs within it. It ends, and the next block does a
//! full fetch again (`run_blocks` returns to the run loop's event service only when an
//! event is due), when
//! - the next PC is in another virtual page (or a taken branch leaves it);
//! - after an instruction of the slow side (below): the MMU generation changed (every
//!   TLBCommand and PID write bumps it) and the page is translated (kernel code at and
//!   above 0x8000_0000 never is), or STATUS32.U flipped (exception entry, RTIE,
//!   SR/FLAG/KFLAG): the page's translation may differ;
//! - the next scheduled event is due (`cycles >= next_event`, checked after every
//!   instruction): timer expiry, `--irq-at`, injections, the instruction budget, or
//!   anything that asks for an interrupt recheck (SR to an interrupt register, a device
//!   access, SETI/CLRI, SLEEP, a delay slot ending with an interrupt waiting, …). So a
//!   block is cut at the next event and interrupts stay exact to the instruction;
//! - an instruction raises an exception (the state is the generic executor's: lowered
//!   forms write nothing before their last possible fault) or stops the run.
//!
//! # Cached forms
//! Each RAM page that ever held executed code has, per halfword, the decoded `Insn`
//! (decoded once, on first execution, by the shared decoder) and its lowered form
//! (`uop.rs`): the frequent instructions with operands, condition "always", no `.d` and
//! flag behaviour settled once (ALU ops, compares, loads/stores of 1–4 bytes through the
//! host TLB (`host_tlb.rs`; a miss is a step of the slow side that translates the
//! address and enters its page, and a device or misaligned access is the generic
//! executor's), branches without delay slot) run on the fast side without the generic
//! executor's dispatch, and
//! so do LR of the exception and MMU registers and SR of those among them that change
//! neither translation nor interrupts (the register resolved when lowering; in user mode
//! and on ARC700 they take the slow side, where `read_aux`/`write_aux` decide). Other
//! LR/SR have a lowered form on the slow side, and RTIE a step of its own there
//! (`step_rtie`); everything else runs through `Machine::execute`
//! (`step_at`), which stays the one definition of every instruction. In a delay or
//! execution slot, and with tracing on, every instruction takes the generic path (the
//! engine tests compare both paths).
//!
//! # Invalidation
//! Self-modifying code needs no block rule: every store drops the cached forms it may
//! overlap (a per-page map of 64-byte chunks holding code makes stores to data cheap),
//! and the next instruction of the block is looked up in the slot array again, so a
//! store to the very next instruction is seen. Instructions that cross a page end are
//! never cached (their second half may fault); they are fetched and decoded on each
//! execution, and one that ends at its page's end is never lowered, so that an
//! instruction in sequence needs no page test. `load_elf` and `write_phys_bytes` clear
//! the cache; a clone starts empty.

mod cache;
mod uop;

pub(crate) use cache::{DecodedCache, GENERIC_PAGE, SLOTS};

use crate::cpu::{st, BLINK, PCL};
use crate::host_tlb::{Dir, HostPage, HostTlb};
use crate::machine::{Exception, Machine, Stop, Trap, PAGE_MASK};
use crate::mmu::{Access, UNTRANSLATED};
use uop::{aux, br, k, xa, Packed, Uop, BIT_A_IMM, BIT_B_IMM, BIT_C_IMM, BIT_POST, BIT_WB};

/// What a lowered instruction asks the dispatch loop to do next.
enum Done {
    /// Go on at the next instruction in sequence (a zero-overhead loop may redirect it).
    Next,
    /// Go on at this target: a taken branch.
    Jump(u32),
    /// Not on the fast side: `step_slow` runs the instruction from its lowered form.
    Slow,
    /// A load or store whose access to this address missed the host TLB: `step_missed`
    /// runs it.
    Miss(u32),
    /// Done like `Next`, but translation may have changed (an SR to TLBCommand or PID).
    NextMmu,
    /// RTIE: a step of the slow side, `step_rtie`.
    Rtie,
    /// The instruction raised this exception, having changed nothing.
    Exc(Exception),
}

/// What cannot change while the fast side runs, read once per block and again after every
/// instruction of the slow side: only that side changes privilege, the loop registers
/// and the event schedule. The cycle counter and the PC live here too; `Machine::cycles`
/// and `cpu.pc` are written back (`sync`) before anything that reads them runs: the slow
/// side, exception entry, the end of the block. Nothing on the fast side reads them (its
/// loads and stores leave devices to the generic executor).
struct BlockState {
    cycles: u64,
    /// `next_event`: the block ends when `cycles` reaches it.
    end: u64,
    /// LP_END while STATUS32.L is clear (loops enabled), else an odd address that no
    /// instruction ends at.
    lp_end: u32,
    /// The host TLB's table for reads by the current privilege (`HostTlb::table`).
    reads: *const HostPage,
}

impl BlockState {
    const NO_LOOP: u32 = u32::MAX;

    #[inline(always)]
    fn load(m: &Machine) -> BlockState {
        BlockState {
            cycles: m.cycles,
            end: m.next_event,
            lp_end: Self::lp_end(m),
            reads: m.mmu.host.table(m.cpu.user(), Dir::Read),
        }
    }

    /// After a slow-side instruction that left the privilege as it was.
    #[inline(always)]
    fn reload(&mut self, m: &Machine) {
        self.cycles = m.cycles;
        self.end = m.next_event;
        self.lp_end = Self::lp_end(m);
    }

    #[inline(always)]
    fn lp_end(m: &Machine) -> u32 {
        if m.cpu.status & st::L == 0 {
            m.cpu.lp_end
        } else {
            Self::NO_LOOP
        }
    }
}

impl Machine {
    /// Runs blocks until the next scheduled event is due. Out of line from the run loop
    /// and its event service, so that the dispatch loop's registers do not depend on them
    /// (the same dispatch source compiled 3 % to 30 % worse depending on what else was
    /// inlined around it: see docs/sim-speed.md).
    #[inline(never)]
    pub(crate) fn run_blocks<const TRACE: bool>(&mut self) -> Result<(), Stop> {
        loop {
            self.run_block::<TRACE>()?;
            if self.cycles >= self.next_event {
                return Ok(());
            }
        }
    }

    /// Runs one block (at least one instruction, or one fetch fault) from `cpu.pc`.
    #[inline(always)]
    fn run_block<const TRACE: bool>(&mut self) -> Result<(), Stop> {
        let mut pc = self.cpu.pc;
        let ppc = match self.translate(pc, Access::Fetch) {
            Ok(p) => p,
            Err(e) => return self.fetch_fault(e, pc),
        };
        let Some(page) = self.code.page_of(ppc) else {
            // Not RAM: fetching raises a bus error.
            return self.step_at::<TRACE>(pc, ppc);
        };
        let vpage = pc & PAGE_MASK;
        let ppage = ppc & PAGE_MASK;
        let user = self.cpu.status & st::U;
        let generation = self.mmu.generation;
        // Kernel code at and above 0x8000_0000 is never translated: no TLB or PID change
        // can move its page, so such a block goes on across them (a TLB refill handler
        // continues after its TLBCommand).
        let untranslated = vpage >= UNTRANSLATED && user == 0;
        // In a delay or execution slot every instruction takes the slow side, so the fast
        // side never has a slot to end (lowered instructions open none): there the loop
        // reads the all-generic page (branches check "not in a delay slot" in the
        // generic executor).
        let uops_now = |m: &Machine| {
            if m.in_any_slot() {
                GENERIC_PAGE.as_ptr()
            } else {
                m.code.uops_ptr(page)
            }
        };
        self.sync_host_with_ram();
        let mut uops = uops_now(self);
        let mut s = BlockState::load(self);
        macro_rules! sync {
            () => {{
                self.cycles = s.cycles;
                self.cpu.pc = pc;
            }};
        }
        loop {
            let p = if TRACE {
                Packed::GENERIC
            } else {
                // SAFETY: see `DecodedCache::uops_ptr`; the index is below `SLOTS`.
                unsafe { *uops.add((pc as usize >> 1) & (SLOTS - 1)) }
            };
            let next = pc.wrapping_add(p.len());
            match self.run_uop(p, pc, next, &s) {
                Done::Next => {
                    s.cycles += 1;
                    pc = if next == s.lp_end {
                        // A loop's start may lie in another page.
                        let to = self.loop_back(next);
                        if to & PAGE_MASK != vpage {
                            pc = to;
                            sync!();
                            return Ok(());
                        }
                        to
                    } else {
                        // Lowered instructions never end at their page's end (`insert`).
                        next
                    };
                    if s.cycles >= s.end {
                        sync!();
                        return Ok(());
                    }
                }
                Done::NextMmu => {
                    s.cycles += 1;
                    pc = self.in_sequence(next, s.lp_end);
                    // Only untranslated kernel code goes on: its page cannot move.
                    if s.cycles >= s.end || !untranslated || pc & PAGE_MASK != vpage {
                        sync!();
                        return Ok(());
                    }
                }
                Done::Jump(target) => {
                    s.cycles += 1;
                    pc = target;
                    if s.cycles >= s.end || target & PAGE_MASK != vpage {
                        sync!();
                        return Ok(());
                    }
                }
                Done::Exc(e) => {
                    s.cycles += 1;
                    sync!();
                    return self.enter_exception(e, pc, pc);
                }
                d @ (Done::Slow | Done::Miss(_) | Done::Rtie) => {
                    sync!();
                    let ppc = ppage | (pc & !PAGE_MASK);
                    match d {
                        Done::Slow => self.step_slow::<TRACE>(p, pc, ppc)?,
                        Done::Miss(vaddr) => self.step_missed::<TRACE>(p, pc, ppc, vaddr)?,
                        _ => self.step_rtie(p, pc)?,
                    }
                    pc = self.cpu.pc;
                    // The slow side may change anything: privilege, MMU, interrupts.
                    if self.cycles >= self.next_event
                        || pc & PAGE_MASK != vpage
                        || (self.mmu.generation != generation && !untranslated)
                        || self.cpu.status & st::U != user
                    {
                        return Ok(());
                    }
                    uops = uops_now(self);
                    // The privilege is the same, and so are the host TLB's tables.
                    s.reload(self);
                }
            }
        }
    }

    /// RTIE outside any slot, as a step of the slow side (the same steps as `step_at`):
    /// without `step_slow`'s unpacking and dispatch, and with the exception return
    /// inlined (`Machine::rtie`), because every TLB refill ends with it.
    #[inline(never)]
    fn step_rtie(&mut self, p: Packed, pc: u32) -> Result<(), Stop> {
        let next = pc.wrapping_add(p.len());
        self.cpu.regs[PCL] = pc & !3;
        let r = self.exec_rtie();
        self.cycles += 1;
        match r {
            Ok(flow) => self.complete(flow, pc, next),
            Err(Trap::Exc(e)) => self.enter_exception(e, pc, pc),
            Err(Trap::Stop(s)) => Err(s),
        }
    }

    /// An instruction of the slow side: LR and SR from their lowered form (the same steps
    /// as `step_at`, minus decoding the dispatch again), anything else through the
    /// generic executor (`step_at`).
    #[inline(never)]
    fn step_slow<const TRACE: bool>(&mut self, p: Packed, pc: u32, ppc: u32) -> Result<(), Stop> {
        let u = p.unpack();
        // (LR/SR of a resolved register in kernel mode is on the fast side: `k::LR_AUX`,
        // `SR_AUX`, `SR_MMU`.)
        if u.mode == aux::LR || u.mode == aux::SR {
            self.cpu.regs[PCL] = pc & !3;
            let r = self.run_aux(u, pc);
            self.cycles += 1;
            return match r {
                Ok(_) => Ok(()),
                Err(Trap::Exc(e)) => self.enter_exception(e, pc, pc),
                Err(Trap::Stop(s)) => Err(s),
            };
        }
        self.step_at::<TRACE>(pc, ppc)
    }

    /// LR and SR, lowered: `execute` followed by `complete`, without the generic dispatch.
    #[inline(always)]
    fn run_aux(&mut self, u: Uop, pc: u32) -> Result<u32, Trap> {
        let r = &self.cpu.regs;
        let b = if u.bits & BIT_B_IMM != 0 {
            u.imm
        } else {
            r[(u.b & 63) as usize]
        };
        if u.mode == aux::LR {
            let v = self.read_aux(b)?;
            self.cpu.regs[(u.a & 63) as usize] = v;
        } else {
            let addr = if u.bits & BIT_C_IMM != 0 {
                u.imm2
            } else {
                r[(u.c & 63) as usize]
            };
            self.write_aux(addr, b)?;
        }
        Ok(self.advance(pc.wrapping_add(u.len as u32)))
    }

    /// Whether LR/SR of a resolved register (`xa`) may take the resolved form: in kernel
    /// mode on an ARCv2 core. In user mode (a privilege violation) and on ARC700
    /// `read_aux`/`write_aux` decide.
    #[inline(always)]
    fn aux_resolvable(&self) -> bool {
        !self.cpu.user() && self.cfg.isa != crate::decode::Isa::ArcCompact
    }

    /// LR of resolved register `xa` (`aux_resolvable`): what `read_aux` returns for it.
    #[inline(always)]
    fn lr_resolved(&self, xa: u8) -> u32 {
        let (c, mmu) = (&self.cpu, &self.mmu);
        match xa {
            xa::ERET => c.eret,
            xa::ERBTA => c.erbta,
            xa::ERSTATUS => c.erstatus,
            xa::ECR => c.ecr,
            xa::EFA => c.efa,
            xa::TLBPD0 => mmu.pd0,
            xa::TLBPD1 => mmu.pd1,
            xa::TLBINDEX => mmu.index,
            xa::TLBCOMMAND => mmu.command,
            xa::PID => mmu.pid,
            _ => mmu.scratch_data0,
        }
    }

    /// SR of `v` to resolved register `xa` (`aux_resolvable`): what `write_aux` does.
    #[inline(always)]
    fn sr_resolved(&mut self, xa: u8, v: u32) -> Result<(), Exception> {
        let (c, mmu) = (&mut self.cpu, &mut self.mmu);
        match xa {
            xa::ERET => c.eret = v,
            xa::ERBTA => c.erbta = v & !1,
            xa::ERSTATUS => c.erstatus = v,
            xa::ECR => c.ecr = v,
            xa::EFA => c.efa = v,
            xa::TLBPD0 => mmu.pd0 = v,
            xa::TLBPD1 => mmu.pd1 = v,
            xa::TLBINDEX => mmu.index = v,
            xa::TLBCOMMAND => self.sr_tlb_command(v)?,
            xa::PID => mmu.write_pid(v),
            _ => mmu.scratch_data0 = v,
        }
        Ok(())
    }

    /// Executes a lowered instruction, exactly as `execute` would, and says where the
    /// dispatch loop goes on (`next`: the instruction in sequence). An exception leaves
    /// the state `execute` leaves. Fields are taken out of the packed form only where used.
    #[inline(always)]
    fn run_uop(&mut self, p: Packed, pc: u32, next: u32, s: &BlockState) -> Done {
        let r = &mut self.cpu.regs;
        let b = r[p.b()];
        macro_rules! rc {
            () => {
                r[p.c()]
            };
        }
        macro_rules! alu {
            ($v:expr) => {{
                let v = $v;
                r[p.a()] = v;
            }};
        }
        let branch = || Done::Jump((pc & !3).wrapping_add(p.imm()) & !1);
        // SR of a resolved register (`b` or the immediate), or the slow side where
        // `write_aux` decides (user mode, ARC700).
        macro_rules! sr_resolved {
            () => {{
                if !self.aux_resolvable() {
                    return Done::Slow;
                }
                let v = if p.bits() & BIT_B_IMM != 0 {
                    p.imm()
                } else {
                    b
                };
                self.sr_resolved(p.size(), v)
            }};
        }
        // A load's or store's address, and the value its write-back gives `b`.
        macro_rules! address {
            () => {{
                let c = if p.bits() & BIT_C_IMM != 0 {
                    p.imm2()
                } else {
                    self.cpu.regs[p.c()]
                };
                let ea = b.wrapping_add(c << p.size());
                (if p.bits() & BIT_POST != 0 { b } else { ea }, ea)
            }};
        }
        macro_rules! ld {
            ($n:literal, $extend:expr) => {{
                let (addr, ea) = address!();
                let Some(v) = self.read_ram_n::<$n>(addr, s.reads) else {
                    return Done::Miss(addr);
                };
                let r = &mut self.cpu.regs;
                if p.bits() & BIT_WB != 0 {
                    r[p.b()] = ea;
                }
                r[p.a()] = $extend(v);
            }};
        }
        macro_rules! st {
            ($n:literal) => {{
                let (addr, ea) = address!();
                let data = if p.bits() & BIT_A_IMM != 0 {
                    p.imm()
                } else {
                    self.cpu.regs[p.a()]
                };
                if self
                    .write_ram_n::<$n>(addr, data, HostTlb::writes(s.reads))
                    .is_none()
                {
                    return Done::Miss(addr);
                }
                if p.bits() & BIT_WB != 0 {
                    self.cpu.regs[p.b()] = ea;
                }
            }};
        }
        match p.kind() {
            k::GENERIC => return Done::Slow,
            k::NOP => {}
            k::MOV_R => alu!(b),
            k::MOV_I => alu!(p.imm()),
            k::ADD_RR => alu!(b.wrapping_add(rc!())),
            k::ADD_RI => alu!(b.wrapping_add(p.imm())),
            k::SUB_RR => alu!(b.wrapping_sub(rc!())),
            k::SUB_RI => alu!(b.wrapping_sub(p.imm())),
            k::AND_RR => alu!(b & rc!()),
            k::AND_RI => alu!(b & p.imm()),
            k::OR_RR => alu!(b | rc!()),
            k::OR_RI => alu!(b | p.imm()),
            k::XOR_RR => alu!(b ^ rc!()),
            k::XOR_RI => alu!(b ^ p.imm()),
            k::BIC_RR => alu!(b & !rc!()),
            k::BIC_RI => alu!(b & !p.imm()),
            k::ASL_RR => alu!(b << (rc!() & 31)),
            k::ASL_RI => alu!(b << (p.imm() & 31)),
            k::LSR_RR => alu!(b >> (rc!() & 31)),
            k::LSR_RI => alu!(b >> (p.imm() & 31)),
            k::ASR_RR => alu!(((b as i32) >> (rc!() & 31)) as u32),
            k::ASR_RI => alu!(((b as i32) >> (p.imm() & 31)) as u32),
            k::MPY_RR => alu!(b.wrapping_mul(rc!())),
            k::MPY_RI => alu!(b.wrapping_mul(p.imm())),
            k::ADD1_RR => alu!(b.wrapping_add(rc!() << 1)),
            k::ADD1_RI => alu!(b.wrapping_add(p.imm() << 1)),
            k::ADD2_RR => alu!(b.wrapping_add(rc!() << 2)),
            k::ADD2_RI => alu!(b.wrapping_add(p.imm() << 2)),
            k::ADD3_RR => alu!(b.wrapping_add(rc!() << 3)),
            k::ADD3_RI => alu!(b.wrapping_add(p.imm() << 3)),
            k::EXTB => alu!(b & 0xFF),
            k::EXTH => alu!(b & 0xFFFF),
            k::SEXB => alu!(b as i8 as i32 as u32),
            k::SEXH => alu!(b as i16 as i32 as u32),
            k::ADDF_RR | k::ADDF_RI => {
                let c = if p.kind() == k::ADDF_RR {
                    rc!()
                } else {
                    p.imm()
                };
                let (v, cy, ov) = crate::exec::add_flags(b, c, false);
                self.cpu.set_zncv(v, cy, ov);
                self.cpu.regs[p.a()] = v;
            }
            k::SUBF_RR | k::SUBF_RI => {
                let c = if p.kind() == k::SUBF_RR {
                    rc!()
                } else {
                    p.imm()
                };
                let (v, cy, ov) = crate::exec::sub_flags(b, c, false);
                self.cpu.set_zncv(v, cy, ov);
                self.cpu.regs[p.a()] = v;
            }
            k::CMP_RR | k::CMP_RI => {
                let c = if p.kind() == k::CMP_RR {
                    rc!()
                } else {
                    p.imm()
                };
                let (v, cy, ov) = crate::exec::sub_flags(b, c, false);
                self.cpu.set_zncv(v, cy, ov);
            }
            k::TST_RR | k::TST_RI => {
                let c = if p.kind() == k::TST_RR {
                    rc!()
                } else {
                    p.imm()
                };
                self.cpu.set_zn(b & c);
            }
            k::LD_W => ld!(4, |v| v),
            k::LD_H => ld!(2, |v| v),
            k::LD_HX => ld!(2, |v| v as i16 as i32 as u32),
            k::LD_B => ld!(1, |v| v),
            k::LD_BX => ld!(1, |v| v as i8 as i32 as u32),
            k::ST_W => st!(4),
            k::ST_H => st!(2),
            k::ST_B => st!(1),
            k::BCC => {
                if p.size() == 0 || self.cpu.cond(p.size()) {
                    return branch();
                }
            }
            k::BL => {
                self.cpu.regs[BLINK] = next;
                return branch();
            }
            k::BRCC => {
                let c = if p.bits() & BIT_C_IMM != 0 {
                    p.imm2()
                } else {
                    rc!()
                };
                let taken = match p.size() {
                    br::EQ => b == c,
                    br::NE => b != c,
                    br::LT => (b as i32) < (c as i32),
                    br::GE => (b as i32) >= (c as i32),
                    br::LO => b < c,
                    br::HS => b >= c,
                    br::BIT0 => b & (1 << (c & 31)) == 0,
                    _ => b & (1 << (c & 31)) != 0,
                };
                if taken {
                    return branch();
                }
            }
            // In user mode and on ARC700 `read_aux`/`write_aux` decide, on the slow side.
            k::LR_AUX => {
                if !self.aux_resolvable() {
                    return Done::Slow;
                }
                self.cpu.regs[p.a()] = self.lr_resolved(p.size());
            }
            k::SR_AUX => {
                if let Err(e) = sr_resolved!() {
                    return Done::Exc(e);
                }
            }
            // Two arms, not one with a test of the kind: merged, the dispatch loop
            // compiled 2.5 % worse on both benchmarks.
            k::SR_MMU => {
                return match sr_resolved!() {
                    Ok(()) => Done::NextMmu,
                    Err(e) => Done::Exc(e),
                };
            }
            k::RTIE => return Done::Rtie,
            // SAFETY: `Packed::kind` is below `k::COUNT`, and every kind below it has its
            // arm: the dispatch is one jump table without a range test.
            _ => unsafe { std::hint::unreachable_unchecked() },
        }
        Done::Next
    }

    /// A lowered load or store whose access to `vaddr` missed the host TLB, as a step of
    /// the slow side: the address is translated (a fault is entered from there: the
    /// instruction has changed nothing before its access), its RAM page entered in the
    /// host TLB, and the instruction run again on the fast side, where it now hits. A
    /// misaligned access, or one outside RAM, is the generic executor's: Misaligned comes
    /// first there, and devices, which may read the cycle counter or request an interrupt
    /// recheck, are accessed only where the dispatch loop keeps those current.
    #[inline(never)]
    fn step_missed<const TRACE: bool>(
        &mut self,
        p: Packed,
        pc: u32,
        ppc: u32,
        vaddr: u32,
    ) -> Result<(), Stop> {
        let (access, size) = match p.kind() {
            k::LD_W => (Access::Read, 4),
            k::LD_H | k::LD_HX => (Access::Read, 2),
            k::LD_B | k::LD_BX => (Access::Read, 1),
            k::ST_W => (Access::Write, 4),
            k::ST_H => (Access::Write, 2),
            _ => (Access::Write, 1),
        };
        if vaddr & (size - 1) != 0 {
            return self.step_at::<TRACE>(pc, ppc);
        }
        let paddr = match self.translate_missed(vaddr, access) {
            Ok(paddr) => paddr,
            Err(e) => {
                self.cycles += 1;
                return self.enter_exception(e, pc, pc);
            }
        };
        if !self.fill_host(vaddr, paddr, access, self.cpu.user()) {
            return self.step_at::<TRACE>(pc, ppc);
        }
        let s = BlockState::load(self);
        let next = pc.wrapping_add(p.len());
        match self.run_uop(p, pc, next, &s) {
            Done::Next => self.cpu.pc = self.in_sequence(next, s.lp_end),
            _ => unreachable!("a load or store through the entry just made"),
        }
        self.cycles += 1;
        Ok(())
    }

    /// Where an instruction outside any slot that ended at `next` goes on: the loop start
    /// if `next` ends a zero-overhead loop that repeats (`lp_end`: `BlockState::lp_end`).
    /// (The dispatch loop's `Done::Next` spells this out, to test the page only after a
    /// loop-back.)
    #[inline(always)]
    fn in_sequence(&mut self, next: u32, lp_end: u32) -> u32 {
        if next == lp_end {
            self.loop_back(next)
        } else {
            next
        }
    }

    /// The next instruction is in a delay slot (taken or not) or EI_S's execution slot.
    #[inline(always)]
    fn in_any_slot(&self) -> bool {
        self.cpu.in_slot || self.cpu.status & (st::DE | st::ES) != 0
    }
}
