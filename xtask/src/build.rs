//! The lowering pipeline (docs/design.md, ../shared/design/lowering.md):
//! user programs → cargo (wasm32) → wasm2c → arc-linux-gnu-gcc → link → disassembly.
//! Every stage reruns only when its inputs are newer than its outputs.

use crate::setup::{self, Tool};
use crate::user::{Expect, UserProgram};
use crate::{repo_root, Error, Result};
use boards::{Board, ExitMethod, Isa};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub board: String,
    pub release: bool,
    /// Kernel cargo features, e.g. `bug-pre2018`.
    pub features: Vec<String>,
    /// Which program set to embed: a manifest file in `user/` (default: the validation suite).
    pub manifest: String,
}

impl BuildOptions {
    pub fn new(board: &str) -> BuildOptions {
        BuildOptions {
            board: board.to_string(),
            release: true,
            features: Vec::new(),
            manifest: crate::user::DEFAULT_MANIFEST.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildOutput {
    pub elf: PathBuf,
    pub map: PathBuf,
    pub disasm: PathBuf,
    pub programs: Vec<UserProgram>,
}

/// Where the kernel's Rust statics live: a fixed window after the image (linker.ld
/// asserts the image stays below it and the statics inside it).
pub const WASM_WINDOW_OFFSET: u32 = 0x0040_0000;
pub const WASM_WINDOW_END_OFFSET: u32 = 0x0100_0000;

const KERNEL_ASM: &[&str] = &["vectors.S", "entry.S", "tlb.S", "uaccess.S", "switch.S"];

/// The ARC700 port's own units in `src/arch/arcompact/`; uaccess.S and switch.S come
/// from `src/arch/arc/`, their instructions being the same in both ISAs, and `isa.c`
/// holds the C imports that differ (the rest of glue.c is shared).
const ARCOMPACT_ASM: &[&str] = &["vectors.S", "entry.S", "tlb.S"];
const ARCOMPACT_SHARED_ASM: &[&str] = &["uaccess.S", "switch.S"];

/// `-mcpu=` of the board's core goes first; ARC700 adds `-mno-atomic`, which GCC honours
/// there (on HS it ignores it), so no LLOCK/SCOND can come from the compiler.
fn cpu_flags(isa: Isa) -> Vec<String> {
    let mut f = vec![format!("-mcpu={}", isa.gcc_cpu())];
    if isa == Isa::Arcompact {
        f.push("-mno-atomic".to_string());
    }
    f
}

const GCC_FLAGS: &[&str] = &[
    "-mno-sdata",
    "-mno-unaligned-access",
    "-ffreestanding",
    "-fno-pic",
    "-fno-delete-null-pointer-checks",
    "-fno-strict-aliasing",
    "-Wall",
];

const WASM2C_DEFINES: &[&str] = &[
    "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1",
    "-DWASM_RT_SKIP_SIGNAL_RECOVERY=1",
    "-DWASM_RT_USE_STACK_DEPTH_COUNT=0",
    "-DNDEBUG",
];

/// `target/arc/<board>` for the default kernel; `target/arc/<board>+<feature>…` for
/// builds with features, and `…@<manifest>` for another program set, so a
/// bug-reproducing or test kernel never overwrites the real one.
pub fn output_dir(opts: &BuildOptions) -> PathBuf {
    let mut name = opts.board.clone();
    if opts.manifest != crate::user::DEFAULT_MANIFEST {
        name.push('@');
        let stem = Path::new(&opts.manifest).file_stem().unwrap_or_default();
        name.push_str(&stem.to_string_lossy());
    }
    for f in &opts.features {
        name.push('+');
        name.push_str(f);
    }
    repo_root().join("target").join("arc").join(name)
}

pub fn build_kernel(opts: &BuildOptions) -> Result<BuildOutput> {
    let board = Board::load(&opts.board).map_err(|e| Error::new("board", e.to_string()))?;
    setup::require(&[Tool::ArcGcc, Tool::ArcObjdump, Tool::Wasm2c, Tool::RustWasm])?;
    let out = output_dir(opts);
    std::fs::create_dir_all(&out).map_err(|e| io_err("build", &out, e))?;
    // Tests build images concurrently; one build at a time keeps the shared cargo
    // output and each board's directory consistent.
    let lock_path = repo_root().join("target/arc/.build.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| io_err("build", &lock_path, e))?;
    lock.lock().map_err(|e| io_err("build", &lock_path, e))?;

    let isa = board.cpu.isa;
    let programs = crate::user::build_user_programs_for(isa, &opts.manifest, &out.join("user"))?;
    let programs_s = out.join("programs.S");
    write_if_changed(&programs_s, &program_table_asm(&programs))?;

    let wasm = build_wasm(&board, opts, &out)?;
    let kern_c = out.join("kern.c");
    if stale(&kern_c, &[&wasm]) {
        run(
            "wasm2c",
            Command::new("wasm2c")
                .arg("-n")
                .arg("kern")
                .arg(&wasm)
                .arg("-o")
                .arg(&kern_c),
        )?;
        crate::lowering::direct_memory_access(&kern_c)?;
    }
    let globals = wasm_globals(&kern_c)?;
    write_if_changed(&out.join("board.ld"), &linker_fragment(&board, &globals))?;
    write_if_changed(&out.join("board_uart.h"), &uart_header(&board))?;

    copy_wasm_rt_header(&out)?;
    let src = repo_root().join("src/arch/arc");
    let mut defines = vec![];
    if board.exit.method == ExitMethod::Semihosting {
        defines.push("-DBOARD_EXIT_SEMIHOSTING".to_string());
    }
    // The historical kernels the controls rebuild had no fast path: their Rust bodies
    // must see every call.
    // ARC700 has no fast path (no kflag to leave AE in place; docs/arcompact-kernel.md).
    if !opts.features.iter().any(|f| f.starts_with("bug-")) && isa == Isa::Arcv2 {
        defines.push("-DCMPXCHG_FAST_PATH".to_string());
    }
    let mut objects = vec![];
    let kern_h = out.join("kern.h");
    objects.push(compile_for(
        isa,
        &kern_c,
        &out.join("kern.o"),
        &[&kern_h],
        &out,
        WASM2C_DEFINES,
        "-O2",
    )?);
    let defs: Vec<&str> = defines.iter().map(|s| s.as_str()).collect();
    let glue_defs: Vec<&str> = WASM2C_DEFINES
        .iter()
        .copied()
        .chain(defs.iter().copied())
        .collect();
    objects.push(compile_for(
        isa,
        &src.join("glue.c"),
        &out.join("glue.o"),
        &[&kern_h, &out.join("board_uart.h")],
        &out,
        &glue_defs,
        "-O2",
    )?);
    let aux_h = src.join("aux.h");
    let units: Vec<PathBuf> = match isa {
        Isa::Arcv2 => KERNEL_ASM.iter().map(|s| src.join(s)).collect(),
        Isa::Arcompact => {
            let own = repo_root().join("src/arch/arcompact");
            objects.push(compile_for(
                isa,
                &own.join("isa.c"),
                &out.join("isa.o"),
                &[&kern_h],
                &out,
                &glue_defs,
                "-O2",
            )?);
            let mut u: Vec<PathBuf> = ARCOMPACT_ASM.iter().map(|s| own.join(s)).collect();
            u.extend(ARCOMPACT_SHARED_ASM.iter().map(|s| src.join(s)));
            u
        }
    };
    for unit in &units {
        let name = unit.file_name().unwrap_or_default().to_string_lossy();
        let obj = out.join(name.replace(".S", ".o"));
        let header = unit.with_file_name("aux.h");
        let deps: [&Path; 2] = [&aux_h, &header];
        objects.push(compile_for(isa, unit, &obj, &deps, &out, &defs, "-O2")?);
    }
    let elf_deps: Vec<&Path> = programs.iter().map(|p| p.elf.as_path()).collect();
    objects.push(compile_for(
        isa,
        &programs_s,
        &out.join("programs.o"),
        &elf_deps,
        &out,
        &[],
        "-O2",
    )?);

    let elf = out.join("kernel.elf");
    let map = out.join("kernel.map");
    let script = repo_root().join("linker.ld");
    let mut deps: Vec<&Path> = objects.iter().map(|p| p.as_path()).collect();
    let board_ld = out.join("board.ld");
    deps.push(&script);
    deps.push(&board_ld);
    if stale(&elf, &deps) {
        let mut cmd = Command::new("arc-linux-gnu-gcc");
        cmd.arg(format!("-mcpu={}", isa.gcc_cpu()));
        cmd.args(["-nostdlib", "-static", "-Wl,--no-warn-rwx-segments"])
            .arg("-T")
            .arg(&script)
            .arg("-L")
            .arg(&out)
            .arg(format!("-Wl,-Map={}", map.display()))
            .arg("-o")
            .arg(&elf)
            .args(&objects)
            .args(crate::user::libgcc_args(isa)?);
        run("link", &mut cmd)?;
    }
    let disasm = out.join("kernel.dis");
    if stale(&disasm, &[&elf]) {
        let text = capture(
            "disassemble",
            Command::new("arc-linux-gnu-objdump").arg("-d").arg(&elf),
        )?;
        std::fs::write(&disasm, text).map_err(|e| io_err("disassemble", &disasm, e))?;
    }
    Ok(BuildOutput {
        elf,
        map,
        disasm,
        programs,
    })
}

fn build_wasm(board: &Board, opts: &BuildOptions, out: &Path) -> Result<PathBuf> {
    let root = repo_root();
    // One cargo target directory per feature set: the cdylib's output file has no
    // per-feature name, so feature sets sharing a directory overwrite each other's
    // kernel.wasm and every switch (validate's controls, the atomics images) relinks
    // (about 1.1 s each, measured). Separate directories keep every set's build fresh at
    // the price of compiling `core` once per set on a cold machine.
    let set = if opts.features.is_empty() {
        "default".to_string()
    } else {
        let mut f = opts.features.clone();
        f.sort();
        f.join("+")
    };
    let target_dir = root.join("target").join("arc-wasm").join(set);
    let base = board.memory.ram_base + WASM_WINDOW_OFFSET;
    let initial = board.memory.ram_base + WASM_WINDOW_END_OFFSET;
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&root)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("ARC_BOARD", &board.name)
        .env("CARGO_TARGET_DIR", &target_dir)
        // Everything, core included, without the wasm red zone (lowering.md).
        .env("RUSTFLAGS", "-C no-redzone=yes")
        .args([
            "rustc",
            "--quiet",
            "-p",
            "arc-kernel",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--crate-type",
            "cdylib",
            "-Zbuild-std=core,panic_abort",
        ]);
    if opts.release {
        cmd.arg("--release");
    } else {
        // Unoptimised wasm lowers to C too large to be practical; keep the checks.
        cmd.env("CARGO_PROFILE_DEV_OPT_LEVEL", "1");
    }
    if !opts.features.is_empty() {
        cmd.arg("--features").arg(opts.features.join(","));
    }
    cmd.arg("--")
        .arg("-C")
        .arg(format!("link-arg=--global-base={base}"))
        .arg("-C")
        .arg(format!("link-arg=--initial-memory={initial}"))
        .arg("-C")
        .arg("link-arg=--no-entry");
    run("cargo (wasm32)", &mut cmd)?;
    let profile = if opts.release { "release" } else { "debug" };
    let built = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join("kernel.wasm");
    // The cargo output is shared by every board and feature set: keep a copy per build,
    // touched only when it really changed, so later stages stay incremental.
    let bytes = std::fs::read(&built).map_err(|e| io_err("cargo (wasm32)", &built, e))?;
    let wasm = out.join("kernel.wasm");
    if std::fs::read(&wasm).ok().as_deref() != Some(&bytes[..]) {
        std::fs::write(&wasm, &bytes).map_err(|e| io_err("cargo (wasm32)", &wasm, e))?;
    }
    Ok(wasm)
}

/// The initial values wasm2c gives the module's globals (`instance->w2c_NAME = N;`).
/// `__heap_base` is the end of the Rust statics: the glue zeroes the window up to there
/// and the linker script checks it fits. An exported `#[no_mangle] static` is a global
/// holding the static's address; each becomes a linker symbol of that name, so the ELF
/// (and the host tools reading it) can find the kernel's exported data.
fn wasm_globals(kern_c: &Path) -> Result<Vec<(String, u32)>> {
    let text = std::fs::read_to_string(kern_c).map_err(|e| io_err("wasm2c", kern_c, e))?;
    let globals: Vec<(String, u32)> = text
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("instance->w2c_")?;
            let (name, value) = rest.split_once(" = ")?;
            let value = value.strip_suffix("u;")?.parse().ok()?;
            Some((name.to_string(), value))
        })
        .collect();
    if !globals.iter().any(|(n, _)| n == "__heap_base") {
        return Err(Error::new(
            "wasm2c",
            format!(
                "{} has no __heap_base initialiser; is the wasm built as a cdylib?",
                kern_c.display()
            ),
        ));
    }
    Ok(globals)
}

fn linker_fragment(board: &Board, globals: &[(String, u32)]) -> String {
    let m = &board.memory;
    let mut s = format!(
        "{}WASM_BASE = {:#x};\nWASM_END = {:#x};\n",
        board.to_linker(),
        m.ram_base + WASM_WINDOW_OFFSET,
        m.ram_base + WASM_WINDOW_END_OFFSET,
    );
    for (name, value) in globals {
        match name.as_str() {
            "__heap_base" => {
                let _ = writeln!(s, "WASM_HEAP_END = {value:#x};");
            }
            // Linker-made (stack, data end) rather than Rust statics.
            n if n.starts_with("__") => {}
            n => {
                let _ = writeln!(s, "{n} = {value:#x};");
            }
        }
    }
    s
}

fn uart_header(board: &Board) -> String {
    format!(
        "/* Generated from boards/{}/board.toml. */\n#define BOARD_UART_BASE {:#x}u\n#define BOARD_UART_REG_SHIFT {}\n",
        board.name, board.console.base, board.console.reg_shift
    )
}

/// Assembly that embeds the user programs and the table `src/programs.rs` reads.
pub fn program_table_asm(programs: &[UserProgram]) -> String {
    let mut s = String::from(
        "/* Generated by xtask: the embedded user programs (format: src/programs.rs). */\n\
         \t.section .rodata.user_programs, \"a\"\n\t.balign 4\n\
         \t.global user_program_table\n\t.global user_program_table_end\n\
         user_program_table:\n\t.word 0x47525055\n",
    );
    let _ = writeln!(s, "\t.word {}", programs.len());
    for (i, p) in programs.iter().enumerate() {
        let (kind, value) = match p.expect {
            Expect::Exit(code) => (0, code),
            Expect::Signal(sig) => (1, sig),
        };
        let _ = writeln!(
            s,
            "\t.word name{i}, name{i}_end - name{i}, elf{i}, elf{i}_end - elf{i}, {kind}, {value}"
        );
    }
    s.push_str("user_program_table_end:\n");
    for (i, p) in programs.iter().enumerate() {
        let _ = writeln!(s, "name{i}:\t.ascii \"{}\"\nname{i}_end:", p.name);
        let _ = writeln!(
            s,
            "\t.balign 4\nelf{i}:\t.incbin \"{}\"\nelf{i}_end:\n\t.balign 4",
            p.elf.display()
        );
    }
    s
}

/// The kernel's own libc headers (`src/arch/lowered/include/README.md`).
fn kernel_include_dir() -> PathBuf {
    repo_root().join("src/arch/lowered/include")
}

/// wabt installs the wasm2c runtime header beside the host's libc headers, where no ARC
/// compile may look; each build takes its own copy of it into the output directory.
pub const WASM_RT_HEADER: &str = "/usr/include/wasm-rt.h";

fn copy_wasm_rt_header(out: &Path) -> Result<()> {
    let text = std::fs::read_to_string(WASM_RT_HEADER).map_err(|e| {
        Error::new(
            "wasm2c",
            format!("cannot read {WASM_RT_HEADER} ({e}); it comes with Debian's wabt (`cargo xtask setup`)"),
        )
    })?;
    write_if_changed(&out.join("wasm-rt.h"), &text)
}

/// Compiles one C or assembly unit freestanding, then checks from its dependency list
/// that it read no host header. Reruns when the unit or anything it included changed.
pub fn compile(
    src: &Path,
    obj: &Path,
    deps: &[&Path],
    include: &Path,
    defines: &[&str],
    opt: &str,
) -> Result<PathBuf> {
    compile_for(Isa::Arcv2, src, obj, deps, include, defines, opt)
}

/// [`compile`] for a board's core.
pub fn compile_for(
    isa: Isa,
    src: &Path,
    obj: &Path,
    deps: &[&Path],
    include: &Path,
    defines: &[&str],
    opt: &str,
) -> Result<PathBuf> {
    let depfile = obj.with_extension("d");
    let included = toolchain::depfile_paths(&depfile);
    let mut all: Vec<&Path> = deps.to_vec();
    all.push(src);
    all.extend(included.iter().map(PathBuf::as_path));
    let unit = src.file_name().unwrap_or_default().to_string_lossy();
    let stage = format!("arc-linux-gnu-gcc ({unit})");
    let mut cmd = toolchain::gcc(toolchain::Headers::Freestanding, &depfile)
        .map_err(|e| Error::new(&stage, e))?;
    cmd.args(cpu_flags(isa))
        .args(GCC_FLAGS)
        .arg(opt)
        .args(defines)
        .arg("-I")
        .arg(kernel_include_dir())
        .arg("-I")
        .arg(include)
        .arg("-c")
        .arg(src)
        .arg("-o")
        .arg(obj);
    // The command is an input too: new flags (in this file) must rebuild the object,
    // which the files' times alone would not say.
    let line = format!("{cmd:?}\n");
    let cmd_file = obj.with_extension("cmd");
    let same_cmd = std::fs::read_to_string(&cmd_file).ok().as_deref() == Some(line.as_str());
    if !same_cmd || stale(obj, &all) || included.is_empty() {
        run(&stage, &mut cmd)?;
        toolchain::check_depfile(&depfile, &unit).map_err(|e| Error::new(&stage, e))?;
        std::fs::write(&cmd_file, &line).map_err(|e| io_err(&stage, &cmd_file, e))?;
    }
    Ok(obj.to_path_buf())
}

fn mtime(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// True when `out` is missing or older than any input.
pub(crate) fn stale(out: &Path, inputs: &[&Path]) -> bool {
    let Some(t) = mtime(out) else { return true };
    inputs.iter().any(|i| mtime(i).is_none_or(|ti| ti > t))
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| io_err("build", path, e))
}

fn io_err(stage: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(stage, format!("{}: {e}", path.display()))
}

/// Runs a stage; a failure names the stage, the command and its output.
pub fn run(stage: &str, cmd: &mut Command) -> Result<()> {
    capture(stage, cmd).map(|_| ())
}

pub fn capture(stage: &str, cmd: &mut Command) -> Result<String> {
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| {
        Error::new(
            stage,
            format!("cannot start {shown}: {e}; run `cargo xtask setup` to install the toolchain"),
        )
    })?;
    if !out.status.success() {
        let mut msg = format!("`{shown}` failed ({})\n", out.status);
        msg.push_str(&String::from_utf8_lossy(&out.stderr));
        msg.push_str(&String::from_utf8_lossy(&out.stdout));
        return Err(Error::new(stage, msg.trim_end().to_string()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
