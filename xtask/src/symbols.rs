//! Kernel addresses as `function+0xoff`, from kernel.elf's symbol table: the host half of
//! the kernel's oops report, which prints only numbers (the image carries no symbols).

use crate::{Error, Result};
use object::{Object, ObjectSymbol, SymbolKind};

pub struct Symbols {
    /// Code symbols sorted by address.
    code: Vec<(u64, String)>,
}

impl Symbols {
    pub fn load(elf: &[u8]) -> Result<Symbols> {
        let file = object::File::parse(elf)
            .map_err(|e| Error::new("symbols", format!("kernel.elf: {e}")))?;
        let mut code: Vec<(u64, String)> = file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text && s.is_definition())
            .filter_map(|s| Some((s.address(), s.name().ok()?.to_string())))
            .filter(|(_, n)| !n.is_empty() && !n.starts_with(".L"))
            .collect();
        code.sort();
        Ok(Symbols { code })
    }

    /// The name of the code symbol at or below `addr`.
    pub fn function_of(&self, addr: u32) -> Option<&str> {
        let i = self.code.partition_point(|(a, _)| *a <= addr as u64);
        self.code.get(i.checked_sub(1)?).map(|(_, n)| n.as_str())
    }

    /// The nearest code symbol at or below `addr`, as `name+0xoff`.
    pub fn describe(&self, addr: u32) -> Option<String> {
        let i = self.code.partition_point(|(a, _)| *a <= addr as u64);
        let (base, name) = self.code.get(i.checked_sub(1)?)?;
        Some(format!("{name}+{:#x}", addr as u64 - base))
    }
}

/// For a console holding an `OOPS` record: ERET, BLINK and every ` CALL` address of it,
/// symbolised, one per line. `None` when there is no oops.
pub fn symbolise_oops(console: &str, syms: &Symbols) -> Option<String> {
    let start = console.find("OOPS ")?;
    let mut out = String::from("oops call chain (symbols from kernel.elf):\n");
    let mut add = |what: &str, addr: u32| {
        let name = syms.describe(addr).unwrap_or_else(|| "?".into());
        out.push_str(&format!("  {what:<6} {addr:#010x} {name}\n"));
    };
    for line in console[start..].lines() {
        for (key, label) in [("ERET=0x", "ERET"), ("blink=0x", "BLINK")] {
            if let Some(v) = line.split(key).nth(1).and_then(hex) {
                add(label, v);
            }
        }
        if let Some(rest) = line.strip_prefix(" CALL 0x") {
            if let Some(v) = hex(rest) {
                add("CALL", v);
            }
        }
    }
    Some(out)
}

fn hex(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    u32::from_str_radix(&digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syms() -> Symbols {
        Symbols {
            code: vec![
                (0x8000_0000, "_start".into()),
                (0x8000_0100, "kernel_main".into()),
            ],
        }
    }

    #[test]
    fn addresses_take_the_nearest_symbol_below() {
        let s = syms();
        assert_eq!(s.describe(0x8000_0104).as_deref(), Some("kernel_main+0x4"));
        assert_eq!(s.describe(0x8000_00ff).as_deref(), Some("_start+0xff"));
        assert_eq!(s.describe(0x7fff_fffc), None);
    }

    #[test]
    fn an_oops_record_is_symbolised_and_other_consoles_are_not() {
        let console = "PROGRAM x pid=1 expect=exit:0\n\
            OOPS kernel fault: TLBMissD cause=1 param=0x0 ECR=0x00050100 EFA=0x00001000 ERET=0x80000108 STATUS32=0x0 BTA=0x0\n \
            fp=0x00000000 sp=0x81000000 blink=0x80000004 r30=0x0 lp_count=0x0\n \
            CALL 0x80000004 (blink)\n CALL 0x80000120 (stack 0x81000008)\n";
        let out = symbolise_oops(console, &syms()).unwrap();
        assert!(out.contains("ERET   0x80000108 kernel_main+0x8"), "{out}");
        assert!(out.contains("BLINK  0x80000004 _start+0x4"), "{out}");
        assert!(out.contains("CALL   0x80000120 kernel_main+0x20"), "{out}");
        assert!(symbolise_oops("SUMMARY programs=1\n", &syms()).is_none());
    }
}
