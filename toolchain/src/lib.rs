//! The ARC cross compiler, called so that no ARC compile can read a host header.
//!
//! Debian's `arc-linux-gnu-gcc` is configured with sysroot `/`, so its default include
//! path ends in the host's `/usr/include`, even when the ARC C library
//! (`libc6-dev-arc-cross`) is installed: any header missing from the ARC side silently
//! comes from x86_64 glibc. Every ARC compile therefore starts from `-nostdinc` and names
//! its include directories itself ([`Headers`]); and every compile writes a dependency
//! list that [`check_depfile`] reads, so a host header that slips in anyway stops the
//! build instead of producing a wrong object.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where `libc6-dev-arc-cross` puts the ARC glibc headers.
pub const ARC_LIBC_INCLUDE: &str = "/usr/arc-linux-gnu/include";
/// The host's system header directory, which no ARC compile may read.
pub const HOST_INCLUDE: &str = "/usr/include";

/// The Debian packages behind the tools and headers named here.
pub const GCC_PACKAGE: &str = "gcc-arc-linux-gnu";
pub const LIBC_PACKAGE: &str = "libc6-dev-arc-cross";

/// Which headers a compile may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    /// GCC's own headers only (`stddef.h`, `stdint.h`, `stdarg.h`, `limits.h`, ...):
    /// the kernel and the validation programs.
    Freestanding,
    /// GCC's headers, then the ARC glibc headers: C test corpora written against a libc.
    ArcLibc,
}

/// The cross compiler's name (`ARC_CC` overrides it).
pub fn gcc_name() -> String {
    std::env::var("ARC_CC").unwrap_or_else(|_| "arc-linux-gnu-gcc".to_string())
}

/// GCC's own include directory, asked of the compiler once per process (a failure is
/// not remembered: set-up may install the compiler and ask again).
pub fn gcc_include_dir() -> Result<PathBuf, String> {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    if let Some(d) = DIR.get() {
        return Ok(d.clone());
    }
    let gcc = gcc_name();
    let out = Command::new(&gcc)
        .arg("-print-file-name=include")
        .output()
        .map_err(|e| {
            format!("cannot run {gcc} ({e}); install Debian's {GCC_PACKAGE} (`cargo xtask setup`)")
        })?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if out.status.success() && dir.join("stddef.h").is_file() {
        Ok(DIR.get_or_init(|| dir).clone())
    } else {
        Err(format!(
            "{gcc} -print-file-name=include gave {}, which has no stddef.h; reinstall {GCC_PACKAGE}",
            dir.display()
        ))
    }
}

/// The include flags for `headers`: `-nostdinc` first, then each allowed directory.
pub fn include_flags(headers: Headers) -> Result<Vec<String>, String> {
    let mut flags = vec![
        "-nostdinc".to_string(),
        "-isystem".to_string(),
        gcc_include_dir()?.display().to_string(),
    ];
    if headers == Headers::ArcLibc {
        if !Path::new(ARC_LIBC_INCLUDE).join("stdlib.h").is_file() {
            return Err(format!(
                "the ARC C library headers are missing ({ARC_LIBC_INCLUDE}/stdlib.h); install Debian's {LIBC_PACKAGE} (`cargo xtask setup`)"
            ));
        }
        flags.push("-isystem".to_string());
        flags.push(ARC_LIBC_INCLUDE.to_string());
    }
    Ok(flags)
}

/// The cross compiler with the include flags for `headers` and `-MD -MF depfile`, so the
/// caller can hand `depfile` to [`check_depfile`] after the compile.
pub fn gcc(headers: Headers, depfile: &Path) -> Result<Command, String> {
    let mut cmd = Command::new(gcc_name());
    cmd.args(include_flags(headers)?)
        .arg("-MD")
        .arg("-MF")
        .arg(depfile);
    Ok(cmd)
}

/// The files a GCC dependency list (`-MD` output) names: all rules, targets excluded.
pub fn depfile_inputs(text: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let mut files = Vec::new();
    for line in joined.lines() {
        let Some((_, deps)) = line.split_once(": ") else {
            continue;
        };
        // A space inside a path is escaped as "\ ".
        let mut cur = String::new();
        let mut chars = deps.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    cur.push(' ');
                    chars.next();
                }
                c if c.is_whitespace() => {
                    if !cur.is_empty() {
                        files.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            files.push(cur);
        }
    }
    files.sort();
    files.dedup();
    files
}

/// The files the dependency list at `depfile` names; none when there is no such file
/// (never compiled yet), which callers treat as "out of date".
pub fn depfile_paths(depfile: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(depfile)
        .map(|t| depfile_inputs(&t).into_iter().map(PathBuf::from).collect())
        .unwrap_or_default()
}

/// True when `path` lies in the host's `/usr/include` (also through `..` or a symlink).
pub fn is_host_header(path: &str) -> bool {
    let p = Path::new(path);
    let real = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    [p, real.as_path()]
        .iter()
        .any(|q| lexically_normal(q).starts_with(HOST_INCLUDE))
}

fn lexically_normal(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The headers named in the `-H` trace GCC prints on stderr (". /path/x.h", one dot per
/// nesting level); a compile of several sources lists them all, unlike one `-MF` file.
pub fn headers_in_trace(stderr: &str) -> Vec<String> {
    let mut files: Vec<String> = stderr
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start_matches('.');
            (rest.len() < l.len() && rest.starts_with(' ')).then(|| rest.trim().to_string())
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Fails, naming each offending header, when the `-H` trace of the compile of `unit`
/// names a host header.
pub fn check_trace(stderr: &str, unit: &str) -> Result<(), String> {
    reject_host_headers(headers_in_trace(stderr), unit)
}

/// Fails, naming each offending header, when the dependency list of the compile of
/// `unit` names a host header.
pub fn check_depfile(depfile: &Path, unit: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(depfile)
        .map_err(|e| format!("cannot read the dependency list {}: {e}", depfile.display()))?;
    reject_host_headers(depfile_inputs(&text), unit)
}

fn reject_host_headers(files: Vec<String>, unit: &str) -> Result<(), String> {
    let host: Vec<String> = files.into_iter().filter(|f| is_host_header(f)).collect();
    if host.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the ARC compile of {unit} read host header(s) {}: an ARC build must see only GCC's, the project's and the ARC C library's headers",
            host.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depfile_parsing_handles_continuations_and_escaped_spaces() {
        let d = "a.o: a.c /x/b.h \\\n /usr/include/stdio.h \\\n /dir\\ with/c.h\nb.h:\n";
        assert_eq!(
            depfile_inputs(d),
            vec!["/dir with/c.h", "/usr/include/stdio.h", "/x/b.h", "a.c"]
        );
    }

    #[test]
    fn header_trace_parsing() {
        let t = ". /usr/include/stdio.h\n.. /usr/include/features.h\nMultiple include guards may be useful for:\n/x.h\nk.c:3: warning: x\n";
        assert_eq!(
            headers_in_trace(t),
            vec!["/usr/include/features.h", "/usr/include/stdio.h"]
        );
        assert!(check_trace(t, "k.c")
            .unwrap_err()
            .contains("/usr/include/stdio.h"));
        check_trace(". /usr/arc-linux-gnu/include/stdio.h\n", "k.c").unwrap();
    }

    #[test]
    fn host_headers_are_recognised_through_dotdot() {
        assert!(is_host_header("/usr/include/assert.h"));
        assert!(is_host_header("/usr/lib/../include/features.h"));
        assert!(!is_host_header("/usr/arc-linux-gnu/include/assert.h"));
        assert!(!is_host_header(
            "/usr/lib/gcc-cross/arc-linux-gnu/12/include/stddef.h"
        ));
        assert!(!is_host_header("/usr/include-not/x.h"));
    }

    #[test]
    fn check_depfile_names_the_host_header() {
        let dir = std::env::temp_dir().join(format!("toolchain-dep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.d");
        std::fs::write(&bad, "k.o: k.c /usr/include/assert.h\n").unwrap();
        let err = check_depfile(&bad, "k.c").unwrap_err();
        assert!(
            err.contains("/usr/include/assert.h") && err.contains("k.c"),
            "{err}"
        );
        let good = dir.join("good.d");
        std::fs::write(&good, "k.o: k.c /usr/arc-linux-gnu/include/assert.h\n").unwrap();
        check_depfile(&good, "k.c").unwrap();
    }
}
