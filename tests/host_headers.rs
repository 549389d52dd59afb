//! No ARC compile reads a host header. Debian's cross GCC searches the host's
//! `/usr/include` last, so a header missing from the ARC side used to come silently from
//! x86_64 glibc; the build now compiles with `-nostdinc` and checks every compile's
//! dependency list. These tests read those lists for a whole kernel build, and show the
//! check stopping a compile that is made to find a host header.

use std::path::{Path, PathBuf};
use xtask::build::{build_kernel, compile, BuildOptions};

fn depfiles(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            found.extend(depfiles(&p));
        } else if p.extension().is_some_and(|x| x == "d") {
            found.push(p);
        }
    }
    found.sort();
    found
}

#[test]
fn every_compile_of_a_kernel_build_reads_only_arc_headers() {
    let out = build_kernel(&BuildOptions::new("sim")).unwrap_or_else(|e| panic!("{e}"));
    let dir = out.elf.parent().unwrap();
    let deps = depfiles(dir);
    let names: Vec<String> = deps
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    // Each unit of the build has its list: kern.c, glue.c, the assembly, the program
    // table, the user runtime and every program.
    let mut want: Vec<String> = [
        "kern",
        "glue",
        "vectors",
        "entry",
        "tlb",
        "uaccess",
        "switch",
        "programs",
        "user/rt-crt0_S",
        "user/rt-sys_S",
        "user/rt-rt_c",
    ]
    .iter()
    .map(|u| format!("{u}.d"))
    .collect();
    want.extend(out.programs.iter().map(|p| format!("user/{}.d", p.name)));
    for unit in &want {
        assert!(names.contains(unit), "no {unit} in {names:?}");
    }
    let mut headers = 0;
    for d in &deps {
        let text = std::fs::read_to_string(d).unwrap();
        let inputs = toolchain::depfile_inputs(&text);
        assert!(!inputs.is_empty(), "{} names no input", d.display());
        headers += inputs.iter().filter(|f| f.ends_with(".h")).count();
        let host: Vec<&String> = inputs
            .iter()
            .filter(|f| toolchain::is_host_header(f))
            .collect();
        assert!(
            host.is_empty(),
            "{} read host headers {host:?}",
            d.display()
        );
    }
    // The lists are real: kern.c alone includes a dozen headers.
    assert!(
        headers > 20,
        "only {headers} headers in all dependency lists"
    );
}

/// The way the old build went wrong, on purpose: `/usr/include` appended to the search
/// path, a header the project does not provide (`wasm-rt.h`, which wabt installs there).
/// The compile itself succeeds; the check must stop it and name the header.
#[test]
fn a_host_header_forced_in_stops_the_compile() {
    let dir = std::env::temp_dir().join(format!("host-header-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("probe.c");
    std::fs::write(&src, "#include <wasm-rt.h>\nint probe;\n").unwrap();
    let obj = dir.join("probe.o");

    let err = compile(
        &src,
        &obj,
        &[],
        &dir,
        &["-idirafter", "/usr/include"],
        "-O2",
    )
    .expect_err("a compile that read /usr/include/wasm-rt.h was accepted");
    assert!(
        err.msg.contains("host header") && err.msg.contains("/usr/include/wasm-rt.h"),
        "{err}"
    );

    // Without the forced directory the header is simply not there: a compile error, not
    // a silent host header.
    let _ = std::fs::remove_file(&obj);
    let err = compile(&src, &obj, &[], &dir, &[], "-O2")
        .expect_err("wasm-rt.h was found without the host include directory");
    assert!(err.msg.contains("wasm-rt.h: No such file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
