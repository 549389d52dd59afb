//! ARCv2 timer0/timer1 and the RTC, clocked by the machine's cycle counter (one cycle per
//! retired instruction; idle cycles in SLEEP count too).
//!
//! Unlike QEMU, a timer counts and wraps at LIMIT from reset: its expiry is always armed.
//! The count runs 0, 1, …, LIMIT-1 and expires when it would reach LIMIT: IP is set, the
//! count restarts at 0 and the IRQ line is high while IP and IE are both set.

pub const CTRL_IE: u32 = 1 << 0;
pub const CTRL_IP: u32 = 1 << 3;
const CTRL_MASK: u32 = 0x1F;
const RESET_LIMIT: u32 = 0x00FF_FFFF;

#[derive(Clone, Debug)]
pub struct Timer {
    control: u32,
    limit: u32,
    /// Cycle at which the count was 0.
    origin: u64,
}

impl Default for Timer {
    fn default() -> Self {
        Timer {
            control: 0,
            limit: RESET_LIMIT,
            origin: 0,
        }
    }
}

impl Timer {
    fn period(&self) -> u64 {
        if self.limit == 0 {
            1 << 32
        } else {
            self.limit as u64
        }
    }

    pub fn count(&self, now: u64) -> u32 {
        now.wrapping_sub(self.origin) as u32
    }

    pub fn control(&self) -> u32 {
        self.control
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Cycle of the next expiry.
    pub fn next_expiry(&self, now: u64) -> u64 {
        let count = self.count(now) as u64;
        let period = self.period();
        let to_go = if count < period {
            period - count
        } else {
            (1u64 << 32) - count + period
        };
        now + to_go
    }

    pub fn write_count(&mut self, now: u64, value: u32) {
        self.origin = now.wrapping_sub(value as u64);
    }

    /// Writing CONTROL acknowledges: the IP bit takes the written value.
    pub fn write_control(&mut self, value: u32) {
        self.control = value & CTRL_MASK;
    }

    pub fn write_limit(&mut self, value: u32) {
        self.limit = value;
    }

    /// Called when the cycle counter reaches `next_expiry`.
    pub fn expire(&mut self, at: u64) {
        self.control |= CTRL_IP;
        self.origin = at;
    }

    /// Forces the interrupt condition (injected expiry) without touching the count.
    pub fn force_pending(&mut self) {
        self.control |= CTRL_IP;
    }

    pub fn irq_level(&self) -> bool {
        self.control & (CTRL_IP | CTRL_IE) == (CTRL_IP | CTRL_IE)
    }
}

/// The 64-bit real-time counter (AUX_RTC_CTRL/LOW/HIGH).
#[derive(Clone, Debug, Default)]
pub struct Rtc {
    enabled: bool,
    /// Counter value at `since`, and the cycle it was taken.
    base: u64,
    since: u64,
    /// HIGH word captured by the last LOW read, so LOW-then-HIGH is one snapshot.
    latched_high: u32,
}

/// AUX_RTC_CTRL reads A0 and A1 set: the last LOW/HIGH pair was read atomically.
const RTC_ATOMIC: u32 = 0xC000_0000;

impl Rtc {
    fn value(&self, now: u64) -> u64 {
        if self.enabled {
            self.base + (now - self.since)
        } else {
            self.base
        }
    }

    pub fn read_ctrl(&self) -> u32 {
        RTC_ATOMIC | self.enabled as u32
    }

    pub fn write_ctrl(&mut self, now: u64, value: u32) {
        self.base = if value & 2 != 0 { 0 } else { self.value(now) };
        self.since = now;
        self.enabled = value & 1 != 0;
    }

    pub fn read_low(&mut self, now: u64) -> u32 {
        let v = self.value(now);
        self.latched_high = (v >> 32) as u32;
        v as u32
    }

    pub fn read_high(&self) -> u32 {
        self.latched_high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_limit_from_reset() {
        let t = Timer::default();
        assert_eq!(t.next_expiry(0), RESET_LIMIT as u64);
        assert_eq!(t.count(100), 100);
    }

    #[test]
    fn expiry_sets_ip_and_restarts() {
        let mut t = Timer::default();
        t.write_limit(10);
        t.write_control(CTRL_IE);
        t.write_count(0, 0);
        assert_eq!(t.next_expiry(3), 10);
        t.expire(10);
        assert!(t.irq_level());
        assert_eq!(t.count(13), 3);
        assert_eq!(t.next_expiry(13), 20);
        t.write_control(CTRL_IE); // acknowledge
        assert!(!t.irq_level());
    }

    #[test]
    fn count_above_limit_wraps_through_zero() {
        let mut t = Timer::default();
        t.write_limit(10);
        t.write_count(0, 20);
        assert_eq!(t.next_expiry(0), (1u64 << 32) - 20 + 10);
    }

    #[test]
    fn ip_without_ie_keeps_line_low() {
        let mut t = Timer::default();
        t.expire(5);
        assert_eq!(t.control() & CTRL_IP, CTRL_IP);
        assert!(!t.irq_level());
    }

    #[test]
    fn rtc_counts_while_enabled() {
        let mut r = Rtc::default();
        r.write_ctrl(10, 1);
        assert_eq!(r.read_low(25), 15);
        assert_eq!(r.read_high(), 0);
        r.write_ctrl(30, 0);
        assert_eq!(r.read_low(100), 20);
        r.write_ctrl(100, 2 | 1);
        assert_eq!(r.read_low(101), 1);
    }
}
