//! Loads, stores and the other memory operations of the executor: address modes,
//! LDD/STD pairs, LLOCK/SCOND, ENTER_S/LEAVE_S.

use crate::cpu::{st, BLINK, FP, SP};
use crate::decode::{flag, AddrMode, Insn, MemSize, Op, Operand};
use crate::machine::{Exception, Flow, Machine, Trap};
use crate::mmu::Access;

type Exec = Result<Flow, Trap>;

const INSN_ERR: Trap = Trap::Exc(Exception::INSTRUCTION_ERROR);

impl Machine {
    /// Effective address and base write-back of a load/store.
    #[inline(always)]
    pub(crate) fn address(&self, i: &Insn) -> (u32, Option<u32>) {
        let b = self.val(i.b);
        let c = self.val(i.c);
        match i.mode {
            AddrMode::None => (b.wrapping_add(c), None),
            AddrMode::PreUpdate => {
                let a = b.wrapping_add(c);
                (a, Some(a))
            }
            AddrMode::PostUpdate => (b, Some(b.wrapping_add(c))),
            AddrMode::Scaled => {
                let shift = match i.size {
                    MemSize::Byte => 0,
                    MemSize::Half => 1,
                    MemSize::Word | MemSize::Double => 2,
                };
                (b.wrapping_add(c << shift), None)
            }
        }
    }

    pub(crate) fn pair(&self, o: Operand) -> Result<usize, Trap> {
        match o {
            Operand::Reg(r) if r & 1 == 0 && r < 62 => Ok(r as usize),
            _ => Err(INSN_ERR),
        }
    }

    #[inline(always)]
    pub(crate) fn load(&mut self, i: &Insn) -> Exec {
        let (addr, wb) = self.address(i);
        if i.size == MemSize::Double {
            let a = self.pair(i.a)?;
            let lo = self.read_as(addr, 4, 4, Access::Read, self.cpu.user())?;
            let hi = self.read_as(addr.wrapping_add(4), 4, 4, Access::Read, self.cpu.user())?;
            if let Some(w) = wb {
                self.set(i.b, w);
            }
            self.cpu.regs[a] = lo;
            self.cpu.regs[a + 1] = hi;
            return Ok(Flow::NEXT);
        }
        let size = i.size.bytes();
        let mut v = self.read(addr, size)?;
        if i.has(flag::X) {
            v = match i.size {
                MemSize::Byte => v as i8 as i32 as u32,
                MemSize::Half => v as i16 as i32 as u32,
                _ => v,
            };
        }
        if let Some(w) = wb {
            self.set(i.b, w);
        }
        self.set(i.a, v);
        Ok(Flow::NEXT)
    }

    #[inline(always)]
    pub(crate) fn store(&mut self, i: &Insn) -> Exec {
        let (addr, wb) = self.address(i);
        let data = self.val(i.a);
        if i.size == MemSize::Double {
            let hi = match i.a {
                Operand::Reg(_) => self.cpu.regs[self.pair(i.a)? + 1],
                _ => ((data as i32) >> 31) as u32,
            };
            let user = self.cpu.user();
            // Alignment first, as for every access (found by the random instruction
            // streams: a misaligned STD reported the second word's page fault); then
            // both words must be writable before either is written.
            self.check_alignment(addr, 4)?;
            self.check_writable(addr.wrapping_add(4), user)?;
            self.write_as(addr, 4, 4, data, Access::Write, user)?;
            self.write_as(addr.wrapping_add(4), 4, 4, hi, Access::Write, user)?;
        } else {
            self.write(addr, i.size.bytes(), data)?;
        }
        if let Some(w) = wb {
            self.set(i.b, w);
        }
        Ok(Flow::NEXT)
    }

    fn check_writable(&mut self, addr: u32, user: bool) -> Result<(), Exception> {
        self.translate_as(addr, Access::Write, user).map(|_| ())
    }

    pub(crate) fn llsc(&mut self, i: &Insn, addr: u32) -> Exec {
        if !self.cfg.llsc {
            return Err(INSN_ERR);
        }
        let double = matches!(i.op, Op::Llockd | Op::Scondd);
        let align = if double { 8 } else { 4 };
        if addr & (align - 1) != 0 {
            return Err(Exception {
                vector: Exception::MISALIGNED,
                cause: 0,
                param: 0,
                efa: Some(addr),
            }
            .into());
        }
        let user = self.cpu.user();
        match i.op {
            Op::Llock | Op::Llockd => {
                let lo = self.read_as(addr, 4, 4, Access::Read, user)?;
                let hi = if double {
                    self.read_as(addr.wrapping_add(4), 4, 4, Access::Read, user)?
                } else {
                    0
                };
                let paddr = self.translate_as(addr, Access::Read, user)?;
                if double {
                    let a = self.pair(i.a)?;
                    self.cpu.regs[a] = lo;
                    self.cpu.regs[a + 1] = hi;
                } else {
                    self.set(i.a, lo);
                }
                self.cpu.reservation = Some(paddr & !(align - 1));
            }
            _ => {
                let paddr = self.translate_as(addr, Access::Write, user)?;
                let ok = self.cpu.reservation == Some(paddr);
                if ok {
                    let lo = self.val(i.a);
                    if double {
                        let hi = self.cpu.regs[self.pair(i.a)? + 1];
                        self.write_as(addr, 4, 4, lo, Access::Write, user)?;
                        self.write_as(addr.wrapping_add(4), 4, 4, hi, Access::Write, user)?;
                    } else {
                        self.write_as(addr, 4, 4, lo, Access::Write, user)?;
                    }
                }
                self.cpu.reservation = None;
                self.cpu.set_flag(st::Z, ok);
            }
        }
        Ok(Flow::NEXT)
    }

    /// ENTER_S: push blink, r13…, fp (frame from SP upward: blink, r13, r14, …, fp).
    pub(crate) fn enter_s(&mut self, u: u32) -> Exec {
        if self.cpu.in_slot {
            return Err(Exception::new(2, 1, 0).into());
        }
        let n = u & 0xF;
        let (save_fp, save_blink) = (u & 0x10 != 0, u & 0x20 != 0);
        if n > 14 {
            return Err(INSN_ERR);
        }
        let mut regs: Vec<u32> = Vec::with_capacity(16);
        if save_blink {
            regs.push(self.cpu.regs[BLINK]);
        }
        regs.extend((0..n as usize).map(|k| self.cpu.regs[13 + k]));
        if save_fp {
            regs.push(self.cpu.regs[FP]);
        }
        let new_sp = self.cpu.regs[SP].wrapping_sub(4 * regs.len() as u32);
        if new_sp & 3 != 0 {
            return Err(Exception {
                vector: Exception::MISALIGNED,
                cause: 0,
                param: 0,
                efa: Some(new_sp),
            }
            .into());
        }
        for (k, v) in regs.iter().enumerate() {
            self.write(new_sp.wrapping_add(4 * k as u32), 4, *v)?;
        }
        self.cpu.regs[SP] = new_sp;
        if save_fp {
            self.cpu.regs[FP] = new_sp;
        }
        Ok(Flow::NEXT)
    }

    /// LEAVE_S: the reverse of ENTER_S, optionally jumping to the restored blink.
    pub(crate) fn leave_s(&mut self, u: u32) -> Exec {
        if self.cpu.in_slot {
            return Err(Exception::new(2, 1, 0).into());
        }
        let n = u & 0xF;
        let (save_fp, save_blink, jump) = (u & 0x10 != 0, u & 0x20 != 0, u & 0x40 != 0);
        if n > 14 {
            return Err(INSN_ERR);
        }
        let base = if save_fp {
            self.cpu.regs[FP]
        } else {
            self.cpu.regs[SP]
        };
        if base & 3 != 0 {
            return Err(Exception {
                vector: Exception::MISALIGNED,
                cause: 0,
                param: 0,
                efa: Some(base),
            }
            .into());
        }
        let count = n + save_fp as u32 + save_blink as u32;
        let mut vals = Vec::with_capacity(count as usize);
        for k in 0..count {
            vals.push(self.read(base.wrapping_add(4 * k), 4)?);
        }
        let mut it = vals.into_iter();
        if save_blink {
            self.cpu.regs[BLINK] = it.next().unwrap_or(0);
        }
        for k in 0..n as usize {
            self.cpu.regs[13 + k] = it.next().unwrap_or(0);
        }
        if save_fp {
            self.cpu.regs[FP] = it.next().unwrap_or(0);
        }
        self.cpu.regs[SP] = base.wrapping_add(4 * count);
        Ok(if jump {
            Flow::jump(self.cpu.regs[BLINK] & !1)
        } else {
            Flow::NEXT
        })
    }
}
