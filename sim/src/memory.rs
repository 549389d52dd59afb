//! Memory access from the core: translation (with a one-page cache per access kind),
//! alignment, RAM and device accesses, and instruction fetch through the decoded cache.

use crate::cpu::st;
use crate::decode::{self, Insn};
use crate::host_tlb::{zero_page, Dir, HostPage};
use crate::machine::{Exception, Machine, PAGE_MASK};
use crate::mmu::{Access, MmuFault, UNTRANSLATED};

/// A cached translation of one page, valid for one privilege while neither PID nor the
/// entries of the page's TLB set change.
#[derive(Clone, Copy)]
pub(crate) struct PageXlate {
    vpage: u32,
    ppage: u32,
    user: bool,
    pid_generation: u64,
    set_generation: u64,
}

/// The page whose TLB miss was raised last, for the refill that follows (`tlb_command`);
/// only for the access kinds the one-page cache holds (not `Exchange`).
#[derive(Clone, Copy)]
pub(crate) struct RefillHint {
    vpage: u32,
    access: Access,
    user: bool,
}

/// Little-endian load of N = 1, 2 or 4 bytes.
///
/// # Safety
/// `p` must be valid for reading N bytes.
#[inline(always)]
unsafe fn load_le<const N: u32>(p: *const u8) -> u32 {
    match N {
        1 => *p as u32,
        2 => u16::from_le(std::ptr::read_unaligned(p as *const u16)) as u32,
        _ => u32::from_le(std::ptr::read_unaligned(p as *const u32)),
    }
}

/// Little-endian store of the low N = 1, 2 or 4 bytes of `v`.
///
/// # Safety
/// `p` must be valid for writing N bytes.
#[inline(always)]
unsafe fn store_le<const N: u32>(p: *mut u8, v: u32) {
    match N {
        1 => *p = v as u8,
        2 => std::ptr::write_unaligned(p as *mut u16, (v as u16).to_le()),
        _ => std::ptr::write_unaligned(p as *mut u32, v.to_le()),
    }
}

impl PageXlate {
    pub(crate) const EMPTY: PageXlate = PageXlate {
        vpage: 1,
        ppage: 0,
        user: false,
        pid_generation: 0,
        set_generation: 0,
    };
}

impl Machine {
    /// Translates for an access by the current privilege level.
    #[inline(always)]
    pub(crate) fn translate(&mut self, vaddr: u32, access: Access) -> Result<u32, Exception> {
        let user = self.cpu.user();
        self.translate_as(vaddr, access, user)
    }

    #[inline(always)]
    pub(crate) fn translate_as(
        &mut self,
        vaddr: u32,
        access: Access,
        user: bool,
    ) -> Result<u32, Exception> {
        if !self.mmu.enabled() || (vaddr >= UNTRANSLATED && !user) {
            return Ok(vaddr);
        }
        let slot = Self::xlate_slot(access);
        let c = self.xlate[slot];
        if c.vpage == vaddr & PAGE_MASK
            && c.user == user
            && c.pid_generation == self.mmu.pid_generation
            && c.set_generation == self.mmu.set_generation(vaddr)
            && access != Access::Exchange
        {
            return Ok(c.ppage | (vaddr & !PAGE_MASK));
        }
        let p = self
            .mmu
            .translate(vaddr, access, user)
            .map_err(|f| self.mmu_fault(f, vaddr, access, user))?;
        if access != Access::Exchange {
            self.xlate[slot] = self.page_xlate(vaddr, p, user);
        }
        Ok(p)
    }

    /// `translate` for a lowered load or store that missed the host TLB: the MMU's set
    /// search inlined (`Mmu::translate_inlined`), and no one-page cache (it serves the
    /// generic executor, and the host TLB gets the page).
    #[inline(always)]
    pub(crate) fn translate_missed(
        &mut self,
        vaddr: u32,
        access: Access,
    ) -> Result<u32, Exception> {
        let user = self.cpu.user();
        self.mmu
            .translate_inlined(vaddr, access, user)
            .map_err(|f| self.mmu_fault(f, vaddr, access, user))
    }

    /// The exception of MMU fault `f` at `vaddr`; a TLB miss also leaves the refill hint.
    #[inline(always)]
    fn mmu_fault(&mut self, f: MmuFault, vaddr: u32, access: Access, user: bool) -> Exception {
        if matches!(f, MmuFault::TlbMiss(_)) && access != Access::Exchange {
            self.refill_hint = Some(RefillHint {
                vpage: vaddr & PAGE_MASK,
                access,
                user,
            });
        }
        let (vector, cause, param) = f.ecr_parts();
        Exception {
            vector,
            cause,
            param,
            efa: Some(vaddr),
        }
    }

    /// The one-page cache's entry for `vaddr`'s page translating to `paddr`'s, as of now.
    #[inline(always)]
    fn page_xlate(&self, vaddr: u32, paddr: u32, user: bool) -> PageXlate {
        PageXlate {
            vpage: vaddr & PAGE_MASK,
            ppage: paddr & PAGE_MASK,
            user,
            pid_generation: self.mmu.pid_generation,
            set_generation: self.mmu.set_generation(vaddr),
        }
    }

    /// The one-page cache's slot for an access kind (`Exchange` is never cached).
    #[inline(always)]
    fn xlate_slot(access: Access) -> usize {
        match access {
            Access::Fetch => 0,
            Access::Read => 1,
            Access::Write | Access::Exchange => 2,
        }
    }

    /// SR to TLBCommand on an ARCv2 core, from `write_aux` and from the lowered SR:
    /// GetIndex and Probe are QEMU hazards, an unknown command is an Instruction Error.
    pub(crate) fn sr_tlb_command(&mut self, cmd: u32) -> Result<(), Exception> {
        if cmd == 3 || cmd == 4 {
            self.hazard("TLBCommand GetIndex/Probe (QEMU aborts)");
        }
        if !self.tlb_command(cmd) {
            return Err(Exception::INSTRUCTION_ERROR);
        }
        Ok(())
    }

    /// TLBCommand `cmd`; false for a command that does not exist. After an InsertEntry
    /// for the page of the last TLB miss, the retried access's translation is known
    /// without a search (`inserted_translation`): a data page goes into the host TLB
    /// (the retried load or store is a lowered one, or the generic executor searches
    /// once), a code page into the one-page fetch cache. A refill then costs one set
    /// search, not two.
    pub(crate) fn tlb_command(&mut self, cmd: u32) -> bool {
        if cmd != 7 {
            return self.mmu.command(cmd);
        }
        self.mmu.insert();
        let Some(h) = self.refill_hint.take() else {
            return true;
        };
        let Some(ppage) = self.mmu.inserted_translation(h.vpage, h.access, h.user) else {
            return true;
        };
        if h.access == Access::Fetch {
            self.xlate[Self::xlate_slot(h.access)] = self.page_xlate(h.vpage, ppage, h.user);
        } else {
            self.fill_host(h.vpage, ppage, h.access, h.user);
        }
        true
    }

    /// Enters the RAM page of `paddr`, the translation of `vaddr`'s page for `access` by
    /// `user`, in the host TLB (see `host_tlb.rs` for which pages may be entered); false
    /// when it did not (`paddr` is not RAM, or the access is a fetch or an exchange).
    pub(crate) fn fill_host(&mut self, vaddr: u32, paddr: u32, access: Access, user: bool) -> bool {
        let dir = match access {
            Access::Read => Dir::Read,
            Access::Write => Dir::Write,
            Access::Fetch | Access::Exchange => return false,
        };
        let Some(off) = self.bus.ram_offset(paddr, 1) else {
            return false;
        };
        let (host, code) = match dir {
            Dir::Read => (
                self.bus
                    .ram
                    .allocated_page_ptr(off)
                    .unwrap_or_else(zero_page),
                std::ptr::null(),
            ),
            Dir::Write => {
                let host = self.bus.ram.page_ptr(off);
                // The page may be allocated only now: read entries of it must stop reading
                // the zero page before a store through this entry.
                self.sync_host_with_ram();
                (host, self.code.code_map(paddr))
            }
        };
        self.mmu.host.fill(user, dir, vaddr, paddr, host, code);
        true
    }

    fn bus_error(access: Access, vaddr: u32) -> Exception {
        Exception {
            vector: Exception::MEMORY_ERROR,
            cause: access.cause(),
            param: 0,
            efa: Some(vaddr),
        }
    }

    /// Misaligned data access: allowed only with the unaligned option and STATUS32.AD.
    #[inline(always)]
    pub(crate) fn check_alignment(&mut self, vaddr: u32, align: u32) -> Result<(), Exception> {
        if vaddr & (align - 1) != 0 && !(self.cfg.unaligned && self.cpu.status & st::AD != 0) {
            self.hazard("misaligned access raised Misaligned (QEMU performs it)");
            return Err(Exception {
                vector: Exception::MISALIGNED,
                cause: 0,
                param: 0,
                efa: Some(vaddr),
            });
        }
        Ok(())
    }

    /// Data read of 1, 2 or 4 bytes by the current privilege level.
    #[inline(always)]
    pub(crate) fn read(&mut self, vaddr: u32, size: u32) -> Result<u32, Exception> {
        let user = self.cpu.user();
        self.read_as(vaddr, size, size, Access::Read, user)
    }

    /// Data read with an explicit alignment requirement, access kind and privilege.
    #[inline(always)]
    pub(crate) fn read_as(
        &mut self,
        vaddr: u32,
        size: u32,
        align: u32,
        access: Access,
        user: bool,
    ) -> Result<u32, Exception> {
        if vaddr & (align - 1) != 0 || (vaddr & !PAGE_MASK) + size > !PAGE_MASK + 1 {
            return self.read_unaligned(vaddr, size, align, access, user);
        }
        self.read_in_page(vaddr, size, access, user)
    }

    /// An access that lies within one page: one translation, then RAM or a device.
    #[inline(always)]
    fn read_in_page(
        &mut self,
        vaddr: u32,
        size: u32,
        access: Access,
        user: bool,
    ) -> Result<u32, Exception> {
        let paddr = self.translate_as(vaddr, access, user)?;
        if let Some(off) = self.bus.ram_offset(paddr, size) {
            return Ok(self.bus.ram.read(off, size));
        }
        self.read_io(paddr, size, access, vaddr)
    }

    /// Misaligned reads: a Misaligned exception, or (unaligned option and AD) the access,
    /// byte by byte when it straddles two pages.
    #[cold]
    fn read_unaligned(
        &mut self,
        vaddr: u32,
        size: u32,
        align: u32,
        access: Access,
        user: bool,
    ) -> Result<u32, Exception> {
        self.check_alignment(vaddr, align)?;
        if (vaddr & !PAGE_MASK) + size > !PAGE_MASK + 1 {
            let mut v = 0;
            for i in 0..size {
                v |= self.read_as(vaddr.wrapping_add(i), 1, 1, access, user)? << (8 * i);
            }
            return Ok(v);
        }
        self.read_in_page(vaddr, size, access, user)
    }

    #[cold]
    fn read_io(
        &mut self,
        paddr: u32,
        size: u32,
        access: Access,
        vaddr: u32,
    ) -> Result<u32, Exception> {
        let v = self
            .bus
            .read(paddr, size)
            .map_err(|_| Self::bus_error(access, vaddr))?;
        self.sync_device_irqs();
        Ok(v)
    }

    /// A lowered load of N = 1, 2 or 4 bytes by the current privilege, through the host
    /// TLB's `table` for it and reading (`HostTlb::table`); `None` when the table does
    /// not have the page (or the address is misaligned).
    #[inline(always)]
    pub(crate) fn read_ram_n<const N: u32>(
        &mut self,
        vaddr: u32,
        table: *const HostPage,
    ) -> Option<u32> {
        let h = self.mmu.host.lookup::<N>(table, vaddr)?;
        // SAFETY: a hit points into a live RAM page, N-aligned, so N bytes fit.
        Some(unsafe { load_le::<N>(h.host) })
    }

    /// A lowered store, like `read_ram_n` (`table`: for writing).
    #[inline(always)]
    pub(crate) fn write_ram_n<const N: u32>(
        &mut self,
        vaddr: u32,
        value: u32,
        table: *const HostPage,
    ) -> Option<()> {
        let h = self.mmu.host.lookup::<N>(table, vaddr)?;
        self.break_reservation(h.paddr, N);
        // SAFETY: as in `read_ram_n`.
        unsafe { store_le::<N>(h.host, value) };
        if !h.code.is_null() {
            let (lo, hi) = (h.paddr & !PAGE_MASK, (h.paddr & !PAGE_MASK) + N - 1);
            // SAFETY: `code` is the page's live map of `8192 >> 6` chunks; hi < 8192.
            let touched = unsafe { *h.code.add(lo as usize >> 6) | *h.code.add(hi as usize >> 6) };
            if touched != 0 {
                self.code.invalidate(h.paddr, N);
            }
        }
        Some(())
    }

    /// Drops the host TLB's read entries of never-written pages if RAM allocated a page
    /// since the last call (see `host_tlb.rs`).
    #[inline(always)]
    pub(crate) fn sync_host_with_ram(&mut self) {
        let n = self.bus.ram.allocations();
        if n != self.ram_allocations_seen {
            self.ram_allocations_seen = n;
            self.mmu.host.invalidate_zero_reads();
        }
    }

    /// A store to [paddr, paddr + n) ends an LLOCK reservation it overlaps.
    #[inline(always)]
    fn break_reservation(&mut self, paddr: u32, n: u32) {
        if let Some(res) = self.cpu.reservation {
            if paddr < res.wrapping_add(8) && res < paddr.wrapping_add(n) {
                self.cpu.reservation = None;
            }
        }
    }

    /// Data write of 1, 2 or 4 bytes by the current privilege level.
    #[inline(always)]
    pub(crate) fn write(&mut self, vaddr: u32, size: u32, value: u32) -> Result<(), Exception> {
        let user = self.cpu.user();
        self.write_as(vaddr, size, size, value, Access::Write, user)
    }

    #[inline(always)]
    pub(crate) fn write_as(
        &mut self,
        vaddr: u32,
        size: u32,
        align: u32,
        value: u32,
        access: Access,
        user: bool,
    ) -> Result<(), Exception> {
        if vaddr & (align - 1) != 0 || (vaddr & !PAGE_MASK) + size > !PAGE_MASK + 1 {
            return self.write_unaligned(vaddr, size, align, value, access, user);
        }
        self.write_in_page(vaddr, size, value, access, user)
    }

    #[inline(always)]
    fn write_in_page(
        &mut self,
        vaddr: u32,
        size: u32,
        value: u32,
        access: Access,
        user: bool,
    ) -> Result<(), Exception> {
        let paddr = self.translate_as(vaddr, access, user)?;
        self.write_phys(paddr, size, value)
            .map_err(|_| Self::bus_error(access, vaddr))
    }

    #[cold]
    fn write_unaligned(
        &mut self,
        vaddr: u32,
        size: u32,
        align: u32,
        value: u32,
        access: Access,
        user: bool,
    ) -> Result<(), Exception> {
        self.check_alignment(vaddr, align)?;
        if (vaddr & !PAGE_MASK) + size > !PAGE_MASK + 1 {
            // Translate both pages before writing anything, so a fault leaves memory as it was.
            self.translate_as(vaddr, access, user)?;
            self.translate_as(vaddr.wrapping_add(size - 1), access, user)?;
            for i in 0..size {
                self.write_as(vaddr.wrapping_add(i), 1, 1, value >> (8 * i), access, user)?;
            }
            return Ok(());
        }
        self.write_in_page(vaddr, size, value, access, user)
    }

    /// Physical write, keeping the decoded-instruction cache and LL/SC reservation coherent.
    #[inline(always)]
    pub(crate) fn write_phys(
        &mut self,
        paddr: u32,
        size: u32,
        value: u32,
    ) -> Result<(), crate::bus::BusError> {
        if let Some(res) = self.cpu.reservation {
            if paddr < res.wrapping_add(8) && res < paddr.wrapping_add(size) {
                self.cpu.reservation = None;
            }
        }
        if let Some(off) = self.bus.ram_offset(paddr, size) {
            self.bus.ram.write(off, size, value);
            self.code.invalidate(paddr, size);
            return Ok(());
        }
        self.write_io(paddr, size, value)
    }

    #[cold]
    fn write_io(&mut self, paddr: u32, size: u32, value: u32) -> Result<(), crate::bus::BusError> {
        self.bus.write(paddr, size, value)?;
        self.sync_device_irqs();
        Ok(())
    }

    /// Length of the instruction at `vaddr`, without side effects (BL.d/JL.d need it for
    /// the link address before the delay slot is fetched).
    pub(crate) fn insn_len_at(&self, vaddr: u32) -> u32 {
        let user = self.cpu.user();
        let phys = |a: u32| self.mmu.peek(a, Access::Fetch, user).ok();
        if let Some(insn) = phys(vaddr).and_then(|p| self.code.get_ref(p)) {
            return insn.len as u32;
        }
        let hw = |a: u32| {
            phys(a)
                .and_then(|p| self.bus.ram_offset(p, 2))
                .map_or(0, |off| self.bus.ram.read(off, 2) as u16)
        };
        decode::insn_len_for(self.cfg.isa, hw(vaddr), hw(vaddr.wrapping_add(2))) as u32
    }

    fn fetch_halfword(&mut self, vaddr: u32) -> Result<u16, Exception> {
        let paddr = self.translate(vaddr, Access::Fetch)?;
        match self.bus.ram_offset(paddr, 2) {
            Some(off) => Ok(self.bus.ram.read(off, 2) as u16),
            // Device space is not executable: a bus error, like unmapped space.
            None => Err(Self::bus_error(Access::Fetch, vaddr)),
        }
    }

    #[cold]
    pub(crate) fn fetch_slow(&mut self, pc: u32, ppc: u32) -> Result<Insn, Exception> {
        let mut hw = [0u16; 4];
        hw[0] = self.fetch_halfword(pc)?;
        // Only fetch what the instruction needs, so a short instruction at the end of a
        // page cannot fault on the next page.
        let isa = self.cfg.isa;
        let short = isa.is_short(hw[0]);
        if !short {
            hw[1] = self.fetch_halfword(pc.wrapping_add(2))?;
        }
        let len = decode::insn_len_for(isa, hw[0], hw[1]) as u32;
        let first = if short { 1 } else { 2 };
        for (i, h) in hw.iter_mut().enumerate().take(len as usize / 2).skip(first) {
            *h = self.fetch_halfword(pc.wrapping_add(2 * i as u32))?;
        }
        let insn = decode::decode_for(isa, hw);
        self.stats.decodes += 1;
        if (ppc & !PAGE_MASK) + insn.len as u32 <= !PAGE_MASK + 1 && self.code.insert(ppc, insn) {
            // Write entries of the page say it has no code.
            self.mmu.host.invalidate_writes();
        }
        Ok(insn)
    }
}
