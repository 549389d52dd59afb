//! A pass over wasm2c's output: linear-memory loads and stores at the address itself.
//!
//! wasm2c (wabt 1.0.32) reads and writes linear memory with `memcpy` from
//! `mem->data + addr`. The glue sets the base to 0, but GCC neither knows that nor the
//! access's alignment, and with `-mno-unaligned-access` it turns every 32-bit load into
//! four byte loads, four byte stores and a reload (measured: 918 instructions for one
//! cmpxchg syscall, most of them that). This pass gives GCC the facts: the base is 0,
//! and an access whose address is naturally aligned is one ARC load or store; a
//! misaligned one still goes byte by byte, so nothing new can fault.
//!
//! Ordering (lowering.md): the kernel is built with -fno-strict-aliasing, so a store
//! through an address may alias the instance's `__stack_pointer` global and GCC keeps
//! them in program order, as it did with the memcpy form.

use crate::{Error, Result};
use std::path::Path;

const LOAD_WASM2C: &str = r#"#define DEFINE_LOAD(name, t1, t2, t3)                      \
  static inline t3 name(wasm_rt_memory_t* mem, u64 addr) { \
    MEMCHECK(mem, addr, t1);                               \
    t1 result;                                             \
    wasm_rt_memcpy(&result, &mem->data[addr], sizeof(t1)); \
    wasm_asm("" ::"r"(result));                            \
    return (t3)(t2)result;                                 \
  }"#;

const STORE_WASM2C: &str = r#"#define DEFINE_STORE(name, t1, t2)                                     \
  static inline void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \
    MEMCHECK(mem, addr, t1);                                           \
    t1 wrapped = (t1)value;                                            \
    wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));            \
  }"#;

const LOAD_DIRECT: &str = r#"/* xtask lowering pass: memory base 0, aligned accesses direct. */
#define DEFINE_LOAD(name, t1, t2, t3)                                          \
  static inline t3 name(wasm_rt_memory_t* mem, u64 addr) {                     \
    const void* p = (const void*)(uintptr_t)(u32)addr;                         \
    t1 result;                                                                 \
    (void)mem;                                                                 \
    if (__builtin_expect(((u32)addr & (sizeof(t1) - 1)) == 0, 1))              \
      result = *(const t1*)p;                                                  \
    else                                                                       \
      __builtin_memcpy(&result, p, sizeof(t1));                                \
    wasm_asm("" ::"r"(result));                                                \
    return (t3)(t2)result;                                                     \
  }"#;

const STORE_DIRECT: &str = r#"#define DEFINE_STORE(name, t1, t2)                                             \
  static inline void name(wasm_rt_memory_t* mem, u64 addr, t2 value) {         \
    void* p = (void*)(uintptr_t)(u32)addr;                                     \
    t1 wrapped = (t1)value;                                                    \
    (void)mem;                                                                 \
    if (__builtin_expect(((u32)addr & (sizeof(t1) - 1)) == 0, 1))              \
      *(t1*)p = wrapped;                                                       \
    else                                                                       \
      __builtin_memcpy(p, &wrapped, sizeof(t1));                               \
  }"#;

/// Rewrites the little-endian load/store definitions of a wasm2c output file in place.
/// Fails, naming the wabt version, if the file does not contain them exactly once each.
pub fn direct_memory_access(kern_c: &Path) -> Result<()> {
    let text = std::fs::read_to_string(kern_c)
        .map_err(|e| Error::new("wasm2c", format!("{}: {e}", kern_c.display())))?;
    let out = rewrite(&text).ok_or_else(|| {
        Error::new(
            "lowering pass",
            format!(
                "{}: wasm2c's DEFINE_LOAD/DEFINE_STORE are not the ones this pass knows \
                 (written for wabt 1.0.32); check xtask/src/lowering.rs against the new wasm2c",
                kern_c.display()
            ),
        )
    })?;
    std::fs::write(kern_c, out).map_err(|e| Error::new("lowering pass", e.to_string()))
}

fn rewrite(text: &str) -> Option<String> {
    if text.matches(LOAD_WASM2C).count() != 1 || text.matches(STORE_WASM2C).count() != 1 {
        return None;
    }
    Some(
        text.replace(LOAD_WASM2C, LOAD_DIRECT)
            .replace(STORE_WASM2C, STORE_DIRECT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_exactly_the_little_endian_definitions() {
        let text = format!(
            "#if WABT_BIG_ENDIAN\n/*be*/\n#else\n{LOAD_WASM2C}\n\n{STORE_WASM2C}\n#endif\n"
        );
        let out = rewrite(&text).unwrap();
        assert!(out.contains("result = *(const t1*)p;"));
        assert!(out.contains("*(t1*)p = wrapped;"));
        assert!(!out.contains("&mem->data[addr]"));
        assert!(out.contains("/*be*/"));
    }

    #[test]
    fn unknown_wasm2c_output_is_refused() {
        assert!(rewrite("int main(void) { return 0; }").is_none());
        let twice = format!("{LOAD_WASM2C}\n{LOAD_WASM2C}\n{STORE_WASM2C}");
        assert!(rewrite(&twice).is_none());
    }
}
