//! Names the commit the binary is built from (`HOMEWARD_COMMIT`), for `--version` and `/healthz`:
//! the packager's `HOMEWARD_COMMIT` if set, else `git rev-parse`, else `unknown` (a source
//! tarball has no history).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=HOMEWARD_COMMIT");
    let commit = std::env::var("HOMEWARD_COMMIT").ok().filter(|c| !c.trim().is_empty()).or_else(git_commit);
    println!("cargo:rustc-env=HOMEWARD_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
}

fn git_commit() -> Option<String> {
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).output().ok().filter(|o| o.status.success())?;
        Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
    };
    // Rebuild when HEAD moves: HEAD itself and the branch file it points to.
    if let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) {
        println!("cargo:rerun-if-changed={head}");
    }
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--git-path", &reference])
    {
        println!("cargo:rerun-if-changed={path}");
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}
