//! ARCv2 interrupt controller: lines 16..=255, per-line priority (0 highest … 15),
//! enable, trigger and pending state, plus the active-priority bookkeeping of
//! AUX_IRQ_ACT/ICAUSE. The CPU-side gating (IE, AE, DE, E) is in `interrupt.rs`.

pub const FIRST_IRQ: u32 = 16;
pub const LAST_IRQ: u32 = 255;
pub const PRIORITY_LEVELS: u32 = 16;
/// IRQ_BUILD: version 1, 240 lines, 128 external, 16 levels (field = levels − 1), FIRQ.
pub const IRQ_BUILD: u32 = 0x1F80_F001;

#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Bits([u64; 4]);

impl Bits {
    fn get(&self, n: u32) -> bool {
        self.0[(n >> 6) as usize & 3] >> (n & 63) & 1 != 0
    }
    fn set(&mut self, n: u32, v: bool) {
        let w = &mut self.0[(n >> 6) as usize & 3];
        if v {
            *w |= 1 << (n & 63);
        } else {
            *w &= !(1 << (n & 63));
        }
    }
}

#[derive(Clone, Debug)]
pub struct IrqController {
    priority: [u8; 256],
    enabled: Bits,
    /// 1 = pulse (edge) triggered, 0 = level.
    pulse: Bits,
    /// Line levels as driven by devices and timers.
    line: Bits,
    /// Edge-latched requests: pulse-triggered rising edges and injected interrupts.
    /// Cleared when the interrupt is taken (or by IRQ_PULSE_CANCEL).
    latched: Bits,
    /// IRQ_SELECT: the line the per-line registers act on.
    pub select: u32,
    /// AUX_IRQ_HINT: a software-raised line (0 = none).
    pub hint: u32,
    /// AUX_IRQ_ACT: bit p = an interrupt of priority p is active; bit 31 = the outermost
    /// active interrupt was taken in user mode.
    pub act: u32,
    /// ICAUSE per active priority level.
    icause: [u32; 16],
    /// Some enabled line is pending (`any_enabled_pending`), kept current by every
    /// method that changes a line, a latch, an enable, a trigger mode or the hint:
    /// exception entry and RTIE ask on every TLB refill.
    requested: bool,
}

impl Default for IrqController {
    fn default() -> Self {
        let mut enabled = Bits::default();
        for irq in FIRST_IRQ..=LAST_IRQ {
            enabled.set(irq, true);
        }
        IrqController {
            priority: [0; 256],
            enabled,
            pulse: Bits::default(),
            line: Bits::default(),
            latched: Bits::default(),
            select: FIRST_IRQ,
            hint: 0,
            act: 0,
            icause: [0; 16],
            requested: false,
        }
    }
}

impl IrqController {
    pub fn pending(&self, irq: u32) -> bool {
        (self.line.get(irq) && !self.pulse.get(irq))
            || self.latched.get(irq)
            || (self.hint == irq && irq != 0)
    }

    /// Drives a device's line; a rising edge latches a pulse-triggered line.
    pub fn set_line(&mut self, irq: u32, level: bool) {
        if level && !self.line.get(irq) && self.pulse.get(irq) {
            self.latched.set(irq, true);
        }
        self.line.set(irq, level);
        self.update_requested();
    }

    /// An injected request: pending until taken.
    pub fn latch(&mut self, irq: u32) {
        if (FIRST_IRQ..=LAST_IRQ).contains(&irq) {
            self.latched.set(irq, true);
        }
        self.update_requested();
    }

    pub fn priority_of(&self, irq: u32) -> u32 {
        self.priority[irq as usize & 255] as u32
    }

    /// Lowest active priority number (the level being serviced), 16 if none.
    pub fn active_priority(&self) -> u32 {
        (self.act & 0xFFFF).trailing_zeros().min(16)
    }

    /// Enabled pending lines as a bitmap.
    fn requests(&self) -> [u64; 4] {
        let mut w = [0u64; 4];
        for (k, word) in w.iter_mut().enumerate() {
            *word = ((self.line.0[k] & !self.pulse.0[k]) | self.latched.0[k]) & self.enabled.0[k];
        }
        if (FIRST_IRQ..=LAST_IRQ).contains(&self.hint) && self.enabled.get(self.hint) {
            w[(self.hint >> 6) as usize] |= 1 << (self.hint & 63);
        }
        w
    }

    fn pending_priorities(&self) -> u32 {
        let mut mask = 0;
        for (k, &word) in self.requests().iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                mask |= 1 << self.priority_of((k as u32) << 6 | bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        mask
    }

    /// Any enabled line pending, whatever its priority (wakes SLEEP).
    #[inline(always)]
    pub fn any_enabled_pending(&self) -> bool {
        debug_assert_eq!(self.requested, self.requests().iter().any(|&w| w != 0));
        self.requested
    }

    fn update_requested(&mut self) {
        self.requested = self.requests().iter().any(|&w| w != 0);
    }

    /// The interrupt to take with threshold `e` (STATUS32.E): the enabled pending line of
    /// highest priority (lowest number) that is ≤ `e` and strictly above the active level;
    /// ties go to the lowest line number.
    pub fn best(&self, e: u32) -> Option<(u32, u32)> {
        let ceiling = self.active_priority();
        let mut best: Option<(u32, u32)> = None;
        for (k, &word) in self.requests().iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let irq = (k as u32) << 6 | bits.trailing_zeros();
                bits &= bits - 1;
                let p = self.priority_of(irq);
                if p <= e && p < ceiling && best.is_none_or(|(_, bp)| p < bp) {
                    best = Some((irq, p));
                }
            }
        }
        best
    }

    /// Bookkeeping when `irq` of priority `p` is taken.
    pub fn activate(&mut self, irq: u32, p: u32, from_user: bool) {
        if self.act & 0xFFFF == 0 {
            self.act = if from_user { 1 << 31 } else { 0 };
        }
        self.act |= 1 << p;
        self.icause[p as usize] = irq;
        self.latched.set(irq, false);
        self.update_requested();
    }

    /// ICAUSE: the line of the highest active priority, 0 if none.
    pub fn icause(&self) -> u32 {
        match self.active_priority() {
            16 => 0,
            p => self.icause[p as usize],
        }
    }

    fn sel(&self) -> u32 {
        self.select
    }

    /// LR of the controller's aux registers; `None` = not one of them.
    pub fn read_aux(&self, addr: u32) -> Option<u32> {
        let s = self.sel();
        Some(match addr {
            0x40B => s,
            0x206 => self.priority_of(s),
            0x40C => self.enabled.get(s) as u32,
            0x40D => self.pulse.get(s) as u32,
            0x416 => self.pending(s) as u32,
            0x40F => {
                self.priority_of(s)
                    | (self.enabled.get(s) as u32) << 4
                    | (self.pulse.get(s) as u32) << 5
                    | (self.pending(s) as u32) << 31
            }
            0x40A => self.icause(),
            // IRQ_PRIORITY_PENDING: bit p = an enabled interrupt of priority p is pending.
            0x200 => self.pending_priorities(),
            0x201 => self.hint,
            0x43 => self.act,
            0xF3 => IRQ_BUILD,
            _ => return None,
        })
    }

    /// SR of the controller's aux registers; `false` = not a writable one of them.
    pub fn write_aux(&mut self, addr: u32, v: u32) -> bool {
        let s = self.sel();
        match addr {
            0x40B => {
                if (FIRST_IRQ..=LAST_IRQ).contains(&v) {
                    self.select = v;
                }
            }
            0x206 => {
                if v < PRIORITY_LEVELS {
                    self.priority[s as usize] = v as u8;
                }
            }
            0x40C => self.enabled.set(s, v & 1 != 0),
            0x40D => self.pulse.set(s, v & 1 != 0),
            0x415 => {
                if self.pulse.get(s) {
                    self.latched.set(s, false);
                }
            }
            0x201 => {
                if v == 0 || (FIRST_IRQ..=LAST_IRQ).contains(&v) {
                    self.hint = v;
                }
            }
            0x43 => self.act = v & 0x8000_FFFF,
            _ => return false,
        }
        self.update_requested();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_prio(c: &mut IrqController, irq: u32, p: u32) {
        c.write_aux(0x40B, irq);
        c.write_aux(0x206, p);
    }

    #[test]
    fn picks_highest_priority_then_lowest_line() {
        let mut c = IrqController::default();
        set_prio(&mut c, 16, 2);
        set_prio(&mut c, 17, 1);
        set_prio(&mut c, 24, 1);
        c.set_line(16, true);
        c.set_line(24, true);
        c.set_line(17, true);
        assert_eq!(c.best(15), Some((17, 1)));
        assert_eq!(c.read_aux(0x200), Some(0b110), "IRQ_PRIORITY_PENDING");
        assert_eq!(c.best(0), None);
    }

    #[test]
    fn active_level_blocks_same_and_lower() {
        let mut c = IrqController::default();
        set_prio(&mut c, 16, 1);
        set_prio(&mut c, 17, 0);
        c.activate(16, 1, true);
        assert_eq!(c.act, 0x8000_0002);
        assert_eq!(c.icause(), 16);
        c.set_line(16, true);
        assert_eq!(c.best(15), None);
        c.set_line(17, true);
        assert_eq!(c.best(15), Some((17, 0)));
    }

    #[test]
    fn disabled_line_not_taken_but_pending() {
        let mut c = IrqController::default();
        c.write_aux(0x40B, 20);
        c.write_aux(0x40C, 0);
        c.set_line(20, true);
        assert_eq!(c.best(15), None);
        assert_eq!(c.read_aux(0x416), Some(1));
        assert_eq!(c.read_aux(0x40F), Some(1 << 31));
    }

    #[test]
    fn latched_cleared_when_taken() {
        let mut c = IrqController::default();
        c.latch(30);
        assert_eq!(c.best(15), Some((30, 0)));
        c.activate(30, 0, false);
        c.act = 0;
        assert_eq!(c.best(15), None);
    }

    #[test]
    fn pulse_latches_rising_edge() {
        let mut c = IrqController::default();
        c.write_aux(0x40B, 25);
        c.write_aux(0x40D, 1);
        c.set_line(25, true);
        c.set_line(25, false);
        assert!(c.pending(25));
        c.write_aux(0x415, 1);
        assert!(!c.pending(25));
    }

    #[test]
    fn hint_raises_and_lowers() {
        let mut c = IrqController::default();
        c.write_aux(0x201, 40);
        assert!(c.pending(40));
        c.write_aux(0x201, 0);
        assert!(!c.pending(40));
    }
}
