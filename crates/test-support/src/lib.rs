//! Helpers for tests: the external oracles, database and browser that `./scripts/test` installs
//! (and that plain `cargo test` skips, loudly, when they are missing), and shared test data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (where `Cargo.lock` is).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().find(|p| p.join("Cargo.lock").exists()).expect("inside the workspace").to_path_buf()
}

/// Whether this run must have every external tool: `./scripts/test` (and so CI) sets
/// `HOMEWARD_TEST_ALL=1`, and then a missing oracle, database or browser fails its test. Plain
/// `cargo test` on a fresh clone skips those tests instead, saying so.
pub fn everything_required() -> bool {
    std::env::var_os("HOMEWARD_TEST_ALL").is_some_and(|v| v == "1")
}

/// Skips the calling test for want of `missing`, loudly: a line straight on the terminal (the test
/// harness captures only `print!`, so this shows even when the test passes). Under
/// `./scripts/test` it panics instead: an oracle test must never pass without its oracle there.
pub fn skip(missing: &str) {
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let message = format!("{missing} is missing: run ./scripts/test, which installs and starts it");
    if everything_required() {
        panic!("{test}: {message}");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {message}");
}

/// The Python of the test venv (`$HOMEWARD_TEST_PYTHON`, else `.venv/bin/python` in the
/// workspace) with the oracles installed; `None`, after [`skip`], when there is none.
pub fn python() -> Option<PathBuf> {
    let path = std::env::var_os("HOMEWARD_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    if path.exists() {
        Some(path)
    } else {
        skip(&format!("the Python oracles' venv ({})", path.display()));
        None
    }
}

/// Runs a Python script of the workspace (path from its root) with the venv's Python; `None`,
/// after [`skip`], without the venv; panics if it cannot start.
pub fn python_script(script: &str, args: &[&std::ffi::OsStr]) -> Option<Output> {
    let script = workspace_root().join(script);
    let output = Command::new(python()?)
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    Some(output)
}

/// The admin URL of the test PostgreSQL (`$HOMEWARD_TEST_POSTGRES`, which ./scripts/test sets to a
/// throw-away cluster); `None` when it is `skip` or, after [`skip`], unset.
pub fn postgres_admin() -> Option<String> {
    match std::env::var("HOMEWARD_TEST_POSTGRES") {
        Ok(v) if v == "skip" => None,
        Ok(v) => Some(v),
        Err(_) => {
            skip(
                "PostgreSQL (HOMEWARD_TEST_POSTGRES, an admin URL such as postgres://homeward@127.0.0.1:54329/postgres)",
            );
            None
        }
    }
}

/// Chromium and the browser tests' packages (playwright-core, axe-core in tests/browser); the
/// browser's path, or `None` after [`skip`].
pub fn chromium() -> Option<PathBuf> {
    let chromium = PathBuf::from(std::env::var("HOMEWARD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    let packages = workspace_root().join("tests/browser/node_modules/playwright-core");
    if !chromium.exists() {
        skip(&format!("Chromium ({})", chromium.display()));
        None
    } else if !packages.exists() {
        skip("tests/browser/node_modules (playwright-core and axe-core)");
        None
    } else {
        Some(chromium)
    }
}

/// The best answer to every question of the RSS (Q10 and Q31 skipped): a survey scoring 1
/// everywhere under the provisional profile. Tests change a few answers from here.
pub const BEST_ANSWERS: [(&str, &str); 29] = [
    ("Q1", "very_satisfied"),
    ("Q2", "never"),
    ("Q3", "yes"),
    ("Q4", "never"),
    ("Q5", "no_debt"),
    ("Q6", "very_good"),
    ("Q7", "yes"),
    ("Q8", "land"),
    ("Q9", "no"),
    ("Q11", "very_good"),
    ("Q12", "very_good"),
    ("Q13", "very_good"),
    ("Q14", "yes"),
    ("Q15", "very_good"),
    ("Q16", "yes"),
    ("Q17", "very_good"),
    ("Q18", "very_good"),
    ("Q19", "very_good"),
    ("Q20", "very_good"),
    ("Q22", "very_often"),
    ("Q23", "very_good"),
    ("Q24", "agree"),
    ("Q25", "very_safe"),
    ("Q26", "never"),
    ("Q27", "never"),
    ("Q28", "never"),
    ("Q29", "no"),
    ("Q30", "yes"),
    ("Q32", "family"),
];
