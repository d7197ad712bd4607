//! Helpers for tests that call external oracles (pyxform, pandas) installed by `./scripts/test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (where `Cargo.lock` is).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().find(|p| p.join("Cargo.lock").exists()).expect("inside the workspace").to_path_buf()
}

/// The Python of the test venv: `$HOMEWARD_TEST_PYTHON`, else `.venv/bin/python` in the workspace.
///
/// Panics with the fix when it is missing: an oracle test must never pass without its oracle.
pub fn python() -> PathBuf {
    let path = std::env::var_os("HOMEWARD_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    assert!(
        path.exists(),
        "{} not found: run ./scripts/test, which creates the test venv with pyxform, openpyxl and pandas",
        path.display()
    );
    path
}

/// Runs a Python script of the workspace (path from its root) with the venv's Python; panics if
/// it cannot start.
pub fn python_script(script: &str, args: &[&std::ffi::OsStr]) -> Output {
    let script = workspace_root().join(script);
    Command::new(python())
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()))
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
