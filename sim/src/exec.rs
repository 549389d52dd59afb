//! The executor: runs one decoded `Insn` against the machine state. Decoding happens
//! once (decode.rs, cached by physical address); this file only gives operations meaning.

use crate::aux::{FLAG_700_MASK, FLAG_KERNEL_MASK, KFLAG_MASK};
use crate::cpu::{st, ACCH, ACCL, BLINK, SP};
use crate::decode::{flag, Insn, Op, Operand};
use crate::machine::{Exception, Flow, Machine, Stop, Trap};
use crate::mmu::Access;

type Exec = Result<Flow, Trap>;

const INSN_ERR: Trap = Trap::Exc(Exception::INSTRUCTION_ERROR);
const PRIV: Trap = Trap::Exc(Exception::PRIVILEGE);

/// a + b + carry_in with ARC flags (C = carry out, V = signed overflow).
#[inline(always)]
pub(crate) fn add_flags(a: u32, b: u32, cin: bool) -> (u32, bool, bool) {
    let wide = a as u64 + b as u64 + cin as u64;
    let r = wide as u32;
    (r, wide >> 32 != 0, ((a ^ r) & (b ^ r)) >> 31 != 0)
}

/// a − b − borrow_in with ARC flags (C = borrow, V = signed overflow).
#[inline(always)]
pub(crate) fn sub_flags(a: u32, b: u32, bin: bool) -> (u32, bool, bool) {
    let r = a.wrapping_sub(b).wrapping_sub(bin as u32);
    let borrow = (a as u64) < b as u64 + bin as u64;
    (r, borrow, ((a ^ b) & (a ^ r)) >> 31 != 0)
}

/// Condition `cc` evaluated on the flags `b − c` would produce (SETcc, BRcc).
#[inline(always)]
fn compare(b: u32, c: u32, cc: u8) -> Option<bool> {
    Some(match cc {
        0x01 => b == c,
        0x02 => b != c,
        0x0B => (b as i32) < (c as i32),
        0x0A => (b as i32) >= (c as i32),
        0x05 => b < c,
        0x06 => b >= c,
        0x0C => (b as i32) <= (c as i32),
        0x09 => (b as i32) > (c as i32),
        _ => return None,
    })
}

/// Redundant sign bits of a `bits`-wide value (NORM, NORMH).
fn norm(v: u32, bits: u32) -> u32 {
    let shifted = v << (32 - bits);
    let x = if (shifted as i32) < 0 {
        !shifted
    } else {
        shifted
    };
    if x == 0 {
        bits - 1
    } else {
        x.leading_zeros() - 1
    }
}

impl Machine {
    #[inline(always)]
    pub(crate) fn val(&self, o: Operand) -> u32 {
        match o {
            Operand::Reg(r) => self.cpu.regs[(r & 63) as usize],
            Operand::Imm(v) => v,
            Operand::None => 0,
        }
    }

    #[inline(always)]
    pub(crate) fn set(&mut self, o: Operand, v: u32) {
        if let Operand::Reg(r) = o {
            self.cpu.regs[(r & 63) as usize] = v;
        }
    }

    /// Branches, jumps and loop setup are illegal in a delay slot.
    #[inline(always)]
    fn not_in_slot(&mut self) -> Result<(), Trap> {
        if self.cpu.in_slot {
            self.hazard("branch or jump in a delay slot (QEMU executes it)");
            Err(INSN_ERR)
        } else {
            Ok(())
        }
    }

    #[inline(always)]
    fn kernel_only(&self) -> Result<(), Trap> {
        if self.cpu.user() {
            Err(PRIV)
        } else {
            Ok(())
        }
    }

    /// Taken branch to `target` (`.d` honoured); `link` = write BLINK with the return address.
    #[inline(always)]
    fn branch(&mut self, i: &Insn, target: u32, next: u32, link: bool) -> Exec {
        self.not_in_slot()?;
        let target = target & !1;
        if i.has(flag::D) {
            if link {
                self.cpu.regs[BLINK] = next.wrapping_add(self.slot_len(next));
            }
            Ok(Flow::delayed(true, target))
        } else {
            if link {
                self.cpu.regs[BLINK] = next;
            }
            Ok(Flow::jump(target))
        }
    }

    #[inline(always)]
    fn not_taken(&mut self, i: &Insn) -> Exec {
        self.not_in_slot()?;
        Ok(if i.has(flag::D) {
            Flow::delayed(false, 0)
        } else {
            Flow::NEXT
        })
    }

    /// RTIE (also run by the engine for its lowered form).
    #[inline(always)]
    pub(crate) fn exec_rtie(&mut self) -> Exec {
        self.kernel_only()?;
        self.not_in_slot()?;
        let target = self.rtie().map_err(Trap::Stop)?;
        Ok(Flow::jump(target))
    }

    /// Length of the delay-slot instruction at `addr`, for BL.d/JL.d's return address.
    fn slot_len(&mut self, addr: u32) -> u32 {
        self.insn_len_at(addr)
    }

    #[inline(always)]
    pub(crate) fn execute(&mut self, i: &Insn, pc: u32, next: u32) -> Exec {
        if i.cond != 0 && i.op != Op::Set && i.op != Op::Lp {
            if i.cond >= 0x10 {
                return Err(INSN_ERR);
            }
            if !self.cpu.cond(i.cond) {
                return match i.op {
                    Op::B | Op::Bl | Op::J | Op::Jl => self.not_taken(i),
                    _ => Ok(Flow::NEXT),
                };
            }
        }
        let f = i.has(flag::F);
        let b = self.val(i.b);
        let c = self.val(i.c);
        macro_rules! logic {
            ($r:expr) => {{
                let r = $r;
                if f {
                    self.cpu.set_zn(r);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }};
        }
        macro_rules! arith {
            ($e:expr) => {{
                let (r, cy, ov) = $e;
                if f {
                    self.cpu.set_zncv(r, cy, ov);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }};
        }
        let carry = self.cpu.flag(st::C);
        match i.op {
            Op::Invalid | Op::Unimp | Op::Ext => {
                self.hazard("undecodable or unimplemented instruction (QEMU aborts on most)");
                Err(INSN_ERR)
            }
            Op::Add => arith!(add_flags(b, c, false)),
            Op::Adc => arith!(add_flags(b, c, carry)),
            Op::Sub => arith!(sub_flags(b, c, false)),
            Op::Sbc => arith!(sub_flags(b, c, carry)),
            Op::Rsub => arith!(sub_flags(c, b, false)),
            Op::Neg => arith!(sub_flags(0, b, false)),
            Op::Add1 => arith!(add_flags(b, c << 1, false)),
            Op::Add2 => arith!(add_flags(b, c << 2, false)),
            Op::Add3 => arith!(add_flags(b, c << 3, false)),
            Op::Sub1 => arith!(sub_flags(b, c << 1, false)),
            Op::Sub2 => arith!(sub_flags(b, c << 2, false)),
            Op::Sub3 => arith!(sub_flags(b, c << 3, false)),
            Op::Cmp => {
                let (r, cy, ov) = sub_flags(b, c, false);
                self.cpu.set_zncv(r, cy, ov);
                Ok(Flow::NEXT)
            }
            Op::Rcmp => {
                let (r, cy, ov) = sub_flags(c, b, false);
                self.cpu.set_zncv(r, cy, ov);
                Ok(Flow::NEXT)
            }
            Op::Max | Op::Min => {
                let (d, _, ov) = sub_flags(b, c, false);
                let pick_c = if i.op == Op::Max {
                    (c as i32) > (b as i32)
                } else {
                    (c as i32) < (b as i32)
                };
                let r = if pick_c { c } else { b };
                if f {
                    // Z, N, V describe the comparison b − c; C says c was selected.
                    self.cpu.set_zncv(d, pick_c, ov);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }
            Op::And => logic!(b & c),
            Op::Or => logic!(b | c),
            Op::Bic => logic!(b & !c),
            Op::Xor => logic!(b ^ c),
            Op::Mov => logic!(b),
            Op::Tst => {
                self.cpu.set_zn(b & c);
                Ok(Flow::NEXT)
            }
            Op::Btst => {
                self.cpu.set_zn(b & (1 << (c & 31)));
                Ok(Flow::NEXT)
            }
            Op::Bset => logic!(b | 1 << (c & 31)),
            Op::Bclr => logic!(b & !(1 << (c & 31))),
            Op::Bxor => logic!(b ^ 1 << (c & 31)),
            Op::Bmsk => logic!(b & (((2u64 << (c & 31)) - 1) as u32)),
            Op::Bmskn => logic!(b & !(((2u64 << (c & 31)) - 1) as u32)),
            Op::Xbfu => {
                let pos = c & 31;
                let width = ((c >> 5) & 31) + 1;
                let r = ((b >> pos) as u64 & ((1u64 << width) - 1)) as u32;
                if f {
                    self.cpu.set_flag(st::Z, r == 0);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }
            Op::Set => {
                // `set<cc>.<qq>`: the predicate qq is in `disp` (0 = always).
                let qq = i.disp as u32;
                if qq >= 0x10 {
                    return Err(INSN_ERR);
                }
                if !self.cpu.cond(qq as u8) {
                    return Ok(Flow::NEXT);
                }
                let t = compare(b, c, i.cond).ok_or(INSN_ERR)?;
                if f {
                    let (r, cy, ov) = sub_flags(b, c, false);
                    self.cpu.set_zncv(r, cy, ov);
                }
                self.set(i.a, t as u32);
                Ok(Flow::NEXT)
            }
            // --- multiply / divide ---
            Op::Mpy => {
                let p = (b as i32 as i64) * (c as i32 as i64);
                let lo = p as u32;
                if f {
                    let v = p != lo as i32 as i64;
                    self.cpu.set_zncv(lo, carry, v);
                    self.cpu.set_flag(st::N, p < 0);
                }
                self.set(i.a, lo);
                Ok(Flow::NEXT)
            }
            Op::Mpyu => {
                let p = b as u64 * c as u64;
                if f {
                    self.cpu.set_zncv(p as u32, carry, p >> 32 != 0);
                    self.cpu.set_flag(st::N, false);
                }
                self.set(i.a, p as u32);
                Ok(Flow::NEXT)
            }
            Op::Mpym => {
                let hi = ((b as i32 as i64 * c as i32 as i64) >> 32) as u32;
                if f {
                    self.cpu.set_zncv(hi, carry, false);
                }
                self.set(i.a, hi);
                Ok(Flow::NEXT)
            }
            Op::Mpymu => {
                let hi = ((b as u64 * c as u64) >> 32) as u32;
                if f {
                    self.cpu.set_zncv(hi, carry, false);
                    self.cpu.set_flag(st::N, false);
                }
                self.set(i.a, hi);
                Ok(Flow::NEXT)
            }
            Op::Mpyw => {
                let r = ((b as i16 as i32) * (c as i16 as i32)) as u32;
                if f {
                    self.cpu.set_zncv(r, carry, false);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }
            Op::Mpyuw => {
                let r = (b & 0xFFFF) * (c & 0xFFFF);
                if f {
                    self.cpu.set_zncv(r, carry, false);
                    self.cpu.set_flag(st::N, false);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }
            Op::Div | Op::Divu | Op::Rem | Op::Remu => self.divide(i, b, c, f),
            Op::Mpyd | Op::Mpydu | Op::Mac | Op::Macu | Op::Macd | Op::Macdu => {
                self.multiply_acc(i, b, c, f)
            }
            // --- shifts ---
            Op::Asl | Op::Asr | Op::Lsr | Op::Ror => {
                let n = c & 31;
                let (r, cy) = match i.op {
                    Op::Asl => (b << n, n != 0 && (b >> (32 - n)) & 1 != 0),
                    Op::Asr => (((b as i32) >> n) as u32, n != 0 && (b >> (n - 1)) & 1 != 0),
                    Op::Lsr => (b >> n, n != 0 && (b >> (n - 1)) & 1 != 0),
                    _ => (b.rotate_right(n), n != 0 && (b >> (n - 1)) & 1 != 0),
                };
                if f {
                    let v = self.cpu.flag(st::V);
                    self.cpu.set_zncv(r, cy, v);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }
            Op::Asl1 => {
                let r = b << 1;
                arith!((r, b >> 31 != 0, (b ^ r) >> 31 != 0))
            }
            Op::Asr1 | Op::Lsr1 | Op::Ror1 | Op::Rrc => {
                let r = match i.op {
                    Op::Asr1 => ((b as i32) >> 1) as u32,
                    Op::Lsr1 => b >> 1,
                    Op::Ror1 => b.rotate_right(1),
                    _ => (b >> 1) | (carry as u32) << 31,
                };
                let v = self.cpu.flag(st::V);
                arith!((r, b & 1 != 0, v))
            }
            Op::Rlc | Op::Rol => {
                let r = if i.op == Op::Rlc {
                    (b << 1) | carry as u32
                } else {
                    b.rotate_left(1)
                };
                let v = self.cpu.flag(st::V);
                arith!((r, b >> 31 != 0, v))
            }
            Op::Sexb => logic!(b as i8 as i32 as u32),
            Op::Sexh => logic!(b as i16 as i32 as u32),
            Op::Extb => logic!(b & 0xFF),
            Op::Exth => logic!(b & 0xFFFF),
            Op::Not => logic!(!b),
            Op::Abs => {
                let r = (b as i32).wrapping_abs() as u32;
                // ARCompact's abs.f sets C to the source's sign: GCC's ARC700
                // __floatsidf (libgcc ieee-754/floatsidf.S) takes the sign from it with
                // `bclr.cs`. ARCv2 keeps C = 0 (isa.md's reading of the HS PRM).
                let cy = self.cfg.isa == crate::decode::Isa::ArcCompact && b >> 31 != 0;
                arith!((r, cy, b == 0x8000_0000))
            }
            // ARC700's extended arithmetic (standard there): GCC's ARC700 __divdf3
            // (libgcc ieee-754/divdf3.S) uses asrs and abss for denormal results. An
            // ARCv2 core here has no such option: Instruction Error, as before.
            Op::Asrs | Op::Asls | Op::Abss if self.cfg.isa != crate::decode::Isa::ArcCompact => {
                Err(INSN_ERR)
            }
            Op::Asrs | Op::Asls => {
                // c is a signed count; a negative one shifts the other way.
                let n = c as i32;
                let left = if i.op == Op::Asls {
                    n
                } else {
                    n.saturating_neg()
                };
                let (r, sat) = saturating_shift(b, left);
                arith!((r, carry, sat))
            }
            Op::Abss => {
                let (r, sat) = match b {
                    0x8000_0000 => (0x7FFF_FFFF, true),
                    _ => ((b as i32).wrapping_abs() as u32, false),
                };
                arith!((r, carry, sat))
            }
            Op::Swap => logic!(b.rotate_left(16)),
            Op::Swape => logic!(b.swap_bytes()),
            Op::Lsl16 => logic!(b << 16),
            Op::Lsr16 => logic!(b >> 16),
            Op::Asr16 => logic!(((b as i32) >> 16) as u32),
            Op::Asr8 => logic!(((b as i32) >> 8) as u32),
            Op::Lsr8 => logic!(b >> 8),
            Op::Lsl8 => logic!(b << 8),
            Op::Rol8 => logic!(b.rotate_left(8)),
            Op::Ror8 => logic!(b.rotate_right(8)),
            Op::Norm | Op::Normh | Op::Ffs | Op::Fls => {
                let r = match i.op {
                    Op::Norm => norm(b, 32),
                    Op::Normh => norm(b & 0xFFFF, 16),
                    Op::Ffs => {
                        if b == 0 {
                            31
                        } else {
                            b.trailing_zeros()
                        }
                    }
                    _ => {
                        if b == 0 {
                            0
                        } else {
                            31 - b.leading_zeros()
                        }
                    }
                };
                if f {
                    let src = if i.op == Op::Normh {
                        (b as i16) as i32 as u32
                    } else {
                        b
                    };
                    self.cpu.set_zn(src);
                }
                self.set(i.a, r);
                Ok(Flow::NEXT)
            }
            // --- memory ---
            Op::Ld => self.load(i),
            Op::St => self.store(i),
            Op::Prefetch | Op::Prefetchw | Op::Prealloc | Op::Prefetchl2 => {
                let (_, wb) = self.address(i);
                if let Some(w) = wb {
                    self.set(i.b, w);
                }
                Ok(Flow::NEXT)
            }
            Op::Ldi => {
                if self.cpu.ldi_base != 0 {
                    self.hazard("LDI with LDI_BASE set (QEMU ignores LDI_BASE)");
                }
                let index = b.wrapping_add(c);
                let v = self.read(self.cpu.ldi_base.wrapping_add(index << 2), 4)?;
                self.set(i.a, v);
                Ok(Flow::NEXT)
            }
            Op::PushS => {
                let sp = self.cpu.regs[SP].wrapping_sub(4);
                let v = self.val(i.a);
                self.write(sp, 4, v)?;
                self.cpu.regs[SP] = sp;
                Ok(Flow::NEXT)
            }
            Op::PopS => {
                let sp = self.cpu.regs[SP];
                let v = self.read(sp, 4)?;
                self.cpu.regs[SP] = sp.wrapping_add(4);
                self.set(i.a, v);
                Ok(Flow::NEXT)
            }
            Op::EnterS => self.enter_s(b),
            Op::LeaveS => self.leave_s(b),
            Op::Ex => {
                let addr = b.wrapping_add(c);
                let user = self.cpu.user();
                let old = self.read_as(addr, 4, 4, Access::Exchange, user)?;
                let v = self.val(i.a);
                self.write_as(addr, 4, 4, v, Access::Exchange, user)?;
                self.set(i.a, old);
                Ok(Flow::NEXT)
            }
            Op::Llock | Op::Llockd | Op::Scond | Op::Scondd => self.llsc(i, b.wrapping_add(c)),
            // --- control flow ---
            Op::B => self.branch(i, (pc & !3).wrapping_add(i.disp as u32), next, false),
            Op::Bl => self.branch(i, (pc & !3).wrapping_add(i.disp as u32), next, true),
            Op::Breq
            | Op::Brne
            | Op::Brlt
            | Op::Brge
            | Op::Brlo
            | Op::Brhs
            | Op::Bbit0
            | Op::Bbit1 => {
                let taken = match i.op {
                    Op::Breq => b == c,
                    Op::Brne => b != c,
                    Op::Brlt => (b as i32) < (c as i32),
                    Op::Brge => (b as i32) >= (c as i32),
                    Op::Brlo => b < c,
                    Op::Brhs => b >= c,
                    Op::Bbit0 => b & (1 << (c & 31)) == 0,
                    _ => b & (1 << (c & 31)) != 0,
                };
                if taken {
                    self.branch(i, (pc & !3).wrapping_add(i.disp as u32), next, false)
                } else {
                    self.not_taken(i)
                }
            }
            Op::Dbnz => {
                self.not_in_slot()?;
                let v = self.val(i.a).wrapping_sub(1);
                self.set(i.a, v);
                if v != 0 {
                    self.branch(i, (pc & !3).wrapping_add(i.disp as u32), next, false)
                } else {
                    self.not_taken(i)
                }
            }
            Op::J if i.has(flag::F) && self.cfg.isa == crate::decode::Isa::ArcCompact => {
                self.kernel_only()?;
                self.not_in_slot()?;
                let Operand::Reg(r) = i.b else {
                    return Err(INSN_ERR);
                };
                Ok(Flow::jump(self.jf_ilink_700(r) & !1))
            }
            Op::J => self.branch(i, b, next, false),
            Op::Jl => self.branch(i, b, next, true),
            Op::Bi => {
                self.not_in_slot()?;
                Ok(Flow::jump(next.wrapping_add(b << 2)))
            }
            Op::Bih => {
                self.not_in_slot()?;
                Ok(Flow::jump(next.wrapping_add(b << 1)))
            }
            Op::JliS => {
                self.not_in_slot()?;
                self.hazard("JLI_S/EI_S (QEMU aborts)");
                self.cpu.regs[BLINK] = next;
                // JLI_BASE points at a table of branch instructions: jump into it.
                Ok(Flow::jump(self.cpu.jli_base.wrapping_add(b << 2)))
            }
            Op::EiS => {
                self.not_in_slot()?;
                self.hazard("JLI_S/EI_S (QEMU aborts)");
                Ok(Flow::indexed(self.cpu.ei_base.wrapping_add(b << 2)))
            }
            Op::Lp => {
                self.not_in_slot()?;
                let end = (pc & !3).wrapping_add(i.disp as u32);
                if i.cond >= 0x10 {
                    return Err(INSN_ERR);
                }
                if self.cpu.cond(i.cond) {
                    self.cpu.lp_start = next;
                    self.cpu.lp_end = end;
                    self.cpu.status &= !st::L;
                    Ok(Flow::NEXT)
                } else {
                    Ok(Flow::jump(end))
                }
            }
            // --- aux registers and kernel operations ---
            Op::Lr => {
                let v = self.read_aux(b)?;
                self.set(i.a, v);
                Ok(Flow::NEXT)
            }
            Op::Sr => {
                self.write_aux(c, b)?;
                Ok(Flow::NEXT)
            }
            Op::Aex => {
                let old = self.read_aux(c)?;
                self.write_aux(c, b)?;
                self.set(i.b, old);
                Ok(Flow::NEXT)
            }
            Op::Flag => {
                if self.cpu.user() {
                    self.hazard("FLAG in user mode (QEMU drops to kernel mode)");
                    if b & st::H != 0 {
                        return Err(PRIV);
                    }
                    self.cpu.status = (self.cpu.status & !st::ZNCV) | (b & st::ZNCV);
                } else if self.cfg.isa == crate::decode::Isa::ArcCompact {
                    self.write_status32(b, FLAG_700_MASK)?;
                } else {
                    self.write_status32(b, FLAG_KERNEL_MASK)?;
                }
                Ok(Flow::NEXT)
            }
            Op::Kflag => {
                if self.cpu.user() {
                    self.hazard("KFLAG in user mode (QEMU drops to kernel mode)");
                }
                self.kernel_only()?;
                self.write_status32(b, KFLAG_MASK)?;
                Ok(Flow::NEXT)
            }
            Op::Seti => {
                self.kernel_only()?;
                let (c4, c5) = (b & 0x10 != 0, b & 0x20 != 0);
                let ie = if c5 { c4 } else { true };
                self.cpu.set_flag(st::IE, ie);
                if c4 || c5 {
                    self.cpu.status = (self.cpu.status & !st::E_MASK) | (b & 0xF) << st::E_SHIFT;
                }
                self.recheck_irqs();
                Ok(Flow::NEXT)
            }
            Op::Clri => {
                self.kernel_only()?;
                let s = self.cpu.status;
                let old = 0x20 | ((s >> 31) << 4) | ((s & st::E_MASK) >> st::E_SHIFT);
                self.cpu.status &= !st::IE;
                self.set(i.a, old);
                Ok(Flow::NEXT)
            }
            Op::Sleep | Op::Wevt | Op::Wlfc => {
                if self.cpu.user() && self.cpu.status & st::US == 0 {
                    return Err(PRIV);
                }
                if self.cfg.isa == crate::decode::Isa::ArcCompact {
                    // ARC700 `sleep 3` enables both levels before sleeping (Linux
                    // arch_cpu_idle for ARCompact: "enable all interrupts before
                    // committing"); bits 1:0 are taken as E2:E1.
                    self.cpu.status |= (b & 3) << 1;
                } else if i.op == Op::Sleep && b & 0x10 != 0 {
                    self.cpu.status =
                        (self.cpu.status & !st::E_MASK) | st::IE | (b & 0xF) << st::E_SHIFT;
                }
                if i.op == Op::Wlfc && self.cpu.reservation.is_none() {
                    return Ok(Flow::NEXT);
                }
                Ok(Flow::SLEEP)
            }
            Op::Swi => {
                // Semihosting is the kernel's: from user mode SWI is always the exception,
                // so a user program cannot end the run (or write around the kernel).
                if self.cfg.semihosting && !self.cpu.user() {
                    if let Some(flow) = self.semihost()? {
                        return Ok(flow);
                    }
                }
                Err(Exception::new(8, 0, (b & 0x3F) as u8).into())
            }
            Op::Trap => {
                // ARC700 has no `swi`: its kernel-mode `trap0` / `trap_s 0` is the
                // semihosting call there.
                if b & 0x3F == 0
                    && self.cfg.isa == crate::decode::Isa::ArcCompact
                    && self.cfg.semihosting
                    && !self.cpu.user()
                {
                    if let Some(flow) = self.semihost()? {
                        return Ok(flow);
                    }
                }
                Ok(Flow::trap((b & 0x3F) as u8))
            }
            Op::Brk => {
                self.kernel_only()?;
                Err(Trap::Stop(Stop::Breakpoint(pc)))
            }
            Op::Rtie => self.exec_rtie(),
            Op::Sync | Op::Dsync | Op::Dmb | Op::Nop => Ok(Flow::NEXT),
            Op::Vadd2h
            | Op::Vsub2h
            | Op::Vaddsub2h
            | Op::Vsubadd2h
            | Op::Vadd4h
            | Op::Vsub4h
            | Op::Vaddsub4h
            | Op::Vsubadd4h
            | Op::Vadd2
            | Op::Vsub2
            | Op::Vaddsub
            | Op::Vsubadd
            | Op::Vpack2hl
            | Op::Vpack2hm
            | Op::Dmpyh
            | Op::Dmpyhu
            | Op::Dmach
            | Op::Dmachu
            | Op::Vmpy2h
            | Op::Vmpy2hu
            | Op::Vmac2h
            | Op::Vmac2hu
            | Op::Qmpyh
            | Op::Qmpyhu
            | Op::Qmach
            | Op::Qmachu
            | Op::Dmpywh
            | Op::Dmpywhu
            | Op::Dmacwh
            | Op::Dmacwhu => self.execute_dsp(i, b, c),
            // The FPU and the other DSP extensions are not configured on this core.
            _ => Err(INSN_ERR),
        }
    }

    fn divide(&mut self, i: &Insn, b: u32, c: u32, f: bool) -> Exec {
        if c == 0 {
            // No result change, unless STATUS32.DZ asks for the DivZero exception.
            if self.cpu.flag(st::DZ) {
                self.hazard("DivZero exception (QEMU never raises it)");
                return Err(Exception::DIV_ZERO.into());
            }
            return Ok(Flow::NEXT);
        }
        let signed = matches!(i.op, Op::Div | Op::Rem);
        if signed && b == 0x8000_0000 && c == u32::MAX {
            return Ok(Flow::NEXT);
        }
        let r = match i.op {
            Op::Div => ((b as i32) / (c as i32)) as u32,
            Op::Divu => b / c,
            Op::Rem => ((b as i32) % (c as i32)) as u32,
            _ => b % c,
        };
        if f {
            let carry = self.cpu.flag(st::C);
            self.cpu.set_zncv(r, carry, false);
            if !signed {
                self.cpu.set_flag(st::N, false);
            }
        }
        self.set(i.a, r);
        Ok(Flow::NEXT)
    }

    /// MPYD/MPYDU (64-bit product into a pair and the accumulator) and MAC/MACU/MACD/MACDU
    /// (accumulate into r59:r58).
    fn multiply_acc(&mut self, i: &Insn, b: u32, c: u32, f: bool) -> Exec {
        let signed = matches!(i.op, Op::Mpyd | Op::Mac | Op::Macd);
        let p = if signed {
            (b as i32 as i64 * c as i32 as i64) as u64
        } else {
            b as u64 * c as u64
        };
        let acc = (self.cpu.regs[ACCH] as u64) << 32 | self.cpu.regs[ACCL] as u64;
        let (r, ov) = match i.op {
            Op::Mpyd | Op::Mpydu => (p, false),
            _ if signed => {
                let (s, o) = (acc as i64).overflowing_add(p as i64);
                (s as u64, o)
            }
            _ => acc.overflowing_add(p),
        };
        self.cpu.regs[ACCL] = r as u32;
        self.cpu.regs[ACCH] = (r >> 32) as u32;
        if f {
            let v = ov
                || (matches!(i.op, Op::Mac | Op::Macu | Op::Macd | Op::Macdu)
                    && self.cpu.flag(st::V));
            let n = signed && (r as i64) < 0;
            self.cpu.set_flag(st::N, n);
            self.cpu.set_flag(st::Z, r == 0);
            self.cpu.set_flag(st::V, v);
        }
        match i.op {
            Op::Mac | Op::Macu => self.set(i.a, r as u32),
            _ => {
                if let Operand::Reg(_) = i.a {
                    let a = self.pair(i.a)?;
                    self.cpu.regs[a] = r as u32;
                    self.cpu.regs[a + 1] = (r >> 32) as u32;
                }
            }
        }
        Ok(Flow::NEXT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_sub_flags() {
        assert_eq!(add_flags(0x7FFF_FFFF, 1, false), (0x8000_0000, false, true));
        assert_eq!(add_flags(0xFFFF_FFFF, 1, false), (0, true, false));
        assert_eq!(sub_flags(0, 1, false), (0xFFFF_FFFF, true, false));
        assert_eq!(sub_flags(0x8000_0000, 1, false), (0x7FFF_FFFF, false, true));
        assert_eq!(sub_flags(5, 5, true), (0xFFFF_FFFF, true, false));
    }

    #[test]
    fn norm_counts_redundant_sign_bits() {
        assert_eq!(norm(0, 32), 31);
        assert_eq!(norm(u32::MAX, 32), 31);
        assert_eq!(norm(1, 32), 30);
        assert_eq!(norm(0x4000_0000, 32), 0);
        assert_eq!(norm(0x8000_0000, 32), 0);
        assert_eq!(norm(0, 16), 15);
        assert_eq!(norm(1, 16), 14);
    }
}

/// `b` shifted left by `left` bits (right, arithmetically, when negative) with signed
/// saturation, as ARC700's `asls`/`asrs`; the flag says whether it saturated.
fn saturating_shift(b: u32, left: i32) -> (u32, bool) {
    if left <= 0 {
        let k = left.unsigned_abs().min(31);
        return (((b as i32) >> k) as u32, false);
    }
    // |b| < 2^31 and k <= 32, so the product fits an i64.
    let v = i64::from(b as i32) << left.min(32);
    if v > i64::from(i32::MAX) {
        (0x7FFF_FFFF, true)
    } else if v < i64::from(i32::MIN) {
        (0x8000_0000, true)
    } else {
        (v as u32, false)
    }
}
