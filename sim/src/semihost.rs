//! Semihosting: the SWI calls that talk to the host instead of the guest's vector 8.

use crate::machine::{Flow, Machine, Stop, Trap};
use crate::mmu::Access;

impl Machine {
    /// Semihosting on a kernel-mode SWI (ARCompact: `trap0` / `trap_s 0`): r8 = 1 exit with r0; r8 = 4 write(r0 = fd,
    /// r1 = buf, r2 = len) to the console, r0 ← bytes written or −1. Other numbers are
    /// ordinary SWIs.
    pub(crate) fn semihost(&mut self) -> Result<Option<Flow>, Trap> {
        let r = &self.cpu.regs;
        match r[8] {
            1 => Err(Trap::Stop(Stop::Exit(r[0]))),
            4 => {
                let (fd, buf, len) = (r[0], r[1], r[2]);
                let user = self.cpu.user();
                let mut bytes = Vec::with_capacity(len.min(1 << 20) as usize);
                let mut ok = fd == 1 || fd == 2;
                for k in 0..len {
                    if !ok {
                        break;
                    }
                    let a = buf.wrapping_add(k);
                    match self
                        .mmu
                        .peek(a, Access::Read, user)
                        .ok()
                        .and_then(|p| self.read_phys(p, 1))
                    {
                        Some(b) => bytes.push(b[0]),
                        None => ok = false,
                    }
                }
                if ok {
                    self.bus.uart.emit(&bytes);
                    self.cpu.regs[0] = len;
                } else {
                    self.cpu.regs[0] = u32::MAX;
                }
                Ok(Some(Flow::NEXT))
            }
            _ => Ok(None),
        }
    }
}
