//! Interrupt injection at exact cycle counts: one-shot, periodic and pseudo-random
//! (seeded, so runs stay reproducible).

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Injections {
    once: BTreeMap<u64, Vec<u32>>,
    periodic: Vec<Periodic>,
    random: Option<RandomInjector>,
}

#[derive(Clone, Debug)]
struct Periodic {
    period: u64,
    next: u64,
    irq: u32,
}

#[derive(Clone, Debug)]
struct RandomInjector {
    state: u64,
    mean: u64,
    next: u64,
    irq: u32,
}

impl RandomInjector {
    /// xorshift64*: deterministic and good enough to spread injections.
    fn draw(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Gap uniform in [1, 2·mean], mean ≈ `mean`.
    fn gap(&mut self) -> u64 {
        1 + self.draw() % self.mean.max(1).saturating_mul(2)
    }
}

impl Injections {
    pub fn at(&mut self, at: u64, irq: u32) {
        self.once.entry(at).or_default().push(irq);
    }

    pub fn every(&mut self, period: u64, irq: u32, now: u64) {
        let period = period.max(1);
        self.periodic.push(Periodic {
            period,
            next: now + period,
            irq,
        });
    }

    pub fn random(&mut self, seed: u64, mean: u64, irq: u32, now: u64) {
        let mut r = RandomInjector {
            state: seed | 1,
            mean,
            next: 0,
            irq,
        };
        r.next = now.saturating_add(r.gap());
        self.random = Some(r);
    }

    /// Cycle of the next injection, u64::MAX if none.
    pub fn next_at(&self) -> u64 {
        let once = self.once.keys().next().copied().unwrap_or(u64::MAX);
        let periodic = self
            .periodic
            .iter()
            .map(|p| p.next)
            .min()
            .unwrap_or(u64::MAX);
        let random = self.random.as_ref().map_or(u64::MAX, |r| r.next);
        once.min(periodic).min(random)
    }

    /// Lines whose injection time has come, in a deterministic order.
    pub fn take_due(&mut self, now: u64) -> Vec<u32> {
        let mut due = Vec::new();
        while let Some((&at, _)) = self.once.iter().next() {
            if at > now {
                break;
            }
            due.extend(self.once.remove(&at).unwrap_or_default());
        }
        for p in &mut self.periodic {
            if p.next <= now {
                due.push(p.irq);
                p.next = now.saturating_add(p.period);
            }
        }
        if let Some(r) = &mut self.random {
            if r.next <= now {
                due.push(r.irq);
                r.next = now.saturating_add(r.gap());
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_periodic_and_random_are_deterministic() {
        let mut a = Injections::default();
        a.at(5, 24);
        a.every(10, 16, 0);
        a.random(42, 7, 17, 0);
        let mut b = a.clone();
        let mut seen_a = Vec::new();
        let mut seen_b = Vec::new();
        for now in 0..100 {
            seen_a.push(a.take_due(now));
            seen_b.push(b.take_due(now));
        }
        assert_eq!(seen_a, seen_b);
        assert_eq!(seen_a[5], vec![24]);
        assert!(seen_a[10].contains(&16));
        assert!(seen_a.iter().flatten().filter(|&&i| i == 17).count() > 5);
    }
}
