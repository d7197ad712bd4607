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

/// A CSV export (`delimiter`-separated, no quoting) written again as an XLSX export the way
/// KoboToolbox writes one: the rows on a first sheet, whole numbers as numbers (the 1/0 columns
/// of a select_multiple), `YYYY-MM-DD` cells as dates, and a second sheet (a repeat group's) that
/// an import must leave alone.
pub fn xlsx_of_csv(csv: &str, delimiter: char) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet().set_name("RSS form").unwrap();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(delimiter).enumerate() {
            let (r, c) = (r as u32, c as u16);
            if cell.is_empty() {
                continue;
            } else if let Ok(n) = cell.parse::<i64>() {
                sheet.write_number(r, c, n as f64).unwrap();
            } else if r > 0
                && cell.len() == 10
                && let Ok(d) = ExcelDateTime::parse_from_str(cell)
            {
                sheet.write_datetime_with_format(r, c, d, &date).unwrap();
            } else {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    let repeat = book.add_worksheet().set_name("household").unwrap();
    repeat.write_string(0, 0, "member").unwrap();
    repeat.write_string(1, 0, "someone").unwrap();
    book.save_to_buffer().unwrap()
}

/// The certificate of the CA that signed the test PostgreSQL's TLS certificate (for localhost),
/// from `HOMEWARD_TEST_POSTGRES_CA` (`scripts/test-postgres` makes one); `None` after [`skip`].
pub fn postgres_tls_ca() -> Option<PathBuf> {
    match std::env::var("HOMEWARD_TEST_POSTGRES_CA") {
        Ok(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => {
            skip(
                "PostgreSQL over TLS (HOMEWARD_TEST_POSTGRES_CA, the CA of a server with ssl=on; scripts/test-postgres makes one)",
            );
            None
        }
    }
}
