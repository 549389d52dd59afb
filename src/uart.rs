//! Polled console UART drivers, one per register-compatible family, behind one trait.
//! Registers are reached through an `MmioBus` so the drivers run against a fake bus in
//! host tests and against the arch's MMIO imports on ARC (wasm has no volatile).

pub trait MmioBus {
    fn read32(&self, addr: u32) -> u32;
    fn write32(&self, addr: u32, v: u32);
}

pub trait Uart {
    fn init(&mut self);
    fn put_byte(&mut self, b: u8);
}

/// 16550 register indices (each register is `4 << reg_shift`-strided on these boards).
mod reg {
    pub const THR: u32 = 0; // write; DLL when LCR.DLAB
    pub const IER: u32 = 1; // DLM when LCR.DLAB
    pub const FCR: u32 = 2;
    pub const LCR: u32 = 3;
    pub const MCR: u32 = 4;
    pub const LSR: u32 = 5;
    /// DesignWare only: UART status register (word offset 0x7C).
    pub const DW_USR: u32 = 0x1F;
}

const LCR_DLAB: u32 = 0x80;
const LCR_8N1: u32 = 0x03;
const FCR_ENABLE_RESET: u32 = 0x07;
const MCR_DTR_RTS: u32 = 0x03;
const LSR_THRE: u32 = 0x20;
const DW_USR_BUSY: u32 = 0x01;

struct Regs<B> {
    bus: B,
    base: u32,
    shift: u32,
}

impl<B: MmioBus> Regs<B> {
    fn addr(&self, r: u32) -> u32 {
        self.base + (r << self.shift)
    }
    fn read(&self, r: u32) -> u32 {
        self.bus.read32(self.addr(r))
    }
    fn write(&self, r: u32, v: u32) {
        self.bus.write32(self.addr(r), v)
    }
    fn program(&self, divisor: u32) {
        self.write(reg::IER, 0);
        self.write(reg::LCR, LCR_DLAB);
        self.write(reg::THR, divisor & 0xFF);
        self.write(reg::IER, (divisor >> 8) & 0xFF);
        self.write(reg::LCR, LCR_8N1);
        self.write(reg::FCR, FCR_ENABLE_RESET);
        self.write(reg::MCR, MCR_DTR_RTS);
    }
    fn put(&self, b: u8) {
        while self.read(reg::LSR) & LSR_THRE == 0 {}
        self.write(reg::THR, b as u32);
    }
}

/// National 16550 and compatibles (QEMU virt, arcsim, nSIM).
pub struct Ns16550<B> {
    regs: Regs<B>,
    divisor: u32,
}

impl<B: MmioBus> Ns16550<B> {
    pub fn new(bus: B, base: u32, reg_shift: u32, divisor: u32) -> Self {
        Ns16550 {
            regs: Regs {
                bus,
                base,
                shift: reg_shift,
            },
            divisor,
        }
    }
}

impl<B: MmioBus> Uart for Ns16550<B> {
    fn init(&mut self) {
        self.regs.program(self.divisor);
    }
    fn put_byte(&mut self, b: u8) {
        self.regs.put(b)
    }
}

/// Synopsys DesignWare APB UART (HSDK). 16550 registers, but LCR (and so the divisor)
/// cannot be written while the UART is busy, which its USR register reports.
pub struct DwApbUart<B> {
    regs: Regs<B>,
    divisor: u32,
}

impl<B: MmioBus> DwApbUart<B> {
    pub fn new(bus: B, base: u32, reg_shift: u32, divisor: u32) -> Self {
        DwApbUart {
            regs: Regs {
                bus,
                base,
                shift: reg_shift,
            },
            divisor,
        }
    }
}

/// Bounded wait: a UART that never goes idle must not hang the banner forever.
const DW_BUSY_SPINS: u32 = 100_000;

impl<B: MmioBus> Uart for DwApbUart<B> {
    fn init(&mut self) {
        let mut spins = 0;
        while self.regs.read(reg::DW_USR) & DW_USR_BUSY != 0 && spins < DW_BUSY_SPINS {
            spins += 1;
        }
        self.regs.program(self.divisor);
    }
    fn put_byte(&mut self, b: u8) {
        self.regs.put(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Records every access; LSR always reports an empty transmitter, USR busy N times.
    #[derive(Default)]
    struct FakeBus {
        log: RefCell<Vec<(char, u32, u32)>>,
        busy_reads: RefCell<u32>,
    }

    impl MmioBus for &FakeBus {
        fn read32(&self, addr: u32) -> u32 {
            let v = match addr & 0xFF {
                0x14 => LSR_THRE,
                0x7C => {
                    let mut n = self.busy_reads.borrow_mut();
                    if *n > 0 {
                        *n -= 1;
                        DW_USR_BUSY
                    } else {
                        0
                    }
                }
                _ => 0,
            };
            self.log.borrow_mut().push(('r', addr, v));
            v
        }
        fn write32(&self, addr: u32, v: u32) {
            self.log.borrow_mut().push(('w', addr, v));
        }
    }

    fn writes(bus: &FakeBus) -> Vec<(u32, u32)> {
        bus.log
            .borrow()
            .iter()
            .filter(|e| e.0 == 'w')
            .map(|e| (e.1, e.2))
            .collect()
    }

    #[test]
    fn ns16550_programs_divisor_then_8n1_with_reg_shift_2() {
        let bus = FakeBus::default();
        let mut u = Ns16550::new(&bus, 0xF000_0000, 2, 27);
        u.init();
        assert_eq!(
            writes(&bus),
            vec![
                (0xF000_0004, 0),    // IER off
                (0xF000_000C, 0x80), // DLAB
                (0xF000_0000, 27),   // DLL
                (0xF000_0004, 0),    // DLM
                (0xF000_000C, 0x03), // 8N1
                (0xF000_0008, 0x07), // FIFOs
                (0xF000_0010, 0x03), // DTR|RTS
            ]
        );
    }

    #[test]
    fn put_byte_waits_for_thre_then_writes_thr() {
        let bus = FakeBus::default();
        let mut u = Ns16550::new(&bus, 0xF000_0000, 2, 1);
        u.put_byte(b'A');
        let log = bus.log.borrow();
        assert_eq!(log[0], ('r', 0xF000_0014, LSR_THRE));
        assert_eq!(log[1], ('w', 0xF000_0000, b'A' as u32));
    }

    #[test]
    fn dw_apb_uart_waits_until_not_busy_before_lcr() {
        let bus = FakeBus::default();
        *bus.busy_reads.borrow_mut() = 3;
        let mut u = DwApbUart::new(&bus, 0xF000_5000, 2, 18);
        u.init();
        let log = bus.log.borrow();
        let usr_reads = log.iter().filter(|e| e.1 == 0xF000_507C).count();
        assert_eq!(usr_reads, 4, "three busy reads then one idle read");
        let first_write = log.iter().position(|e| e.0 == 'w').unwrap();
        assert!(log[..first_write].iter().all(|e| e.1 == 0xF000_507C));
        assert!(log.contains(&('w', 0xF000_5000, 18)));
    }
}
