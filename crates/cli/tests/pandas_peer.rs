//! Homeward and an independent implementation of docs/rss/SCORING.md (bench/rss/pandas_peer.py, which
//! reads only the codebook) must agree row by row on generated files with every kind of row.

use std::ffi::OsStr;
use std::process::Command;

use homeward_test_support::python_script;

fn agree_on(rows: u32, seed: u32) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("surveys.csv");
    let ours = dir.path().join("homeward.csv");
    let theirs = dir.path().join("peer.csv");
    let (rows, seed) = (rows.to_string(), seed.to_string());
    let Some(generated) = python_script(
        "bench/rss/generate.py",
        &[OsStr::new(&rows), input.as_os_str(), OsStr::new("--seed"), OsStr::new(&seed)],
    ) else {
        return;
    };
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));

    let scored = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args([
            OsStr::new("rss"),
            OsStr::new("score"),
            OsStr::new("--input"),
            input.as_os_str(),
            OsStr::new("--output"),
            ours.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        scored.status.code(),
        Some(1),
        "generated files hold invalid rows: {}",
        String::from_utf8_lossy(&scored.stderr)
    );

    let peer = python_script("bench/rss/pandas_peer.py", &[input.as_os_str(), theirs.as_os_str()]).unwrap();
    assert!(peer.status.success(), "{}", String::from_utf8_lossy(&peer.stderr));
    let compared = python_script("bench/rss/compare.py", &[ours.as_os_str(), theirs.as_os_str()]).unwrap();
    assert!(
        compared.status.success(),
        "Homeward and the pandas peer disagree:\n{}",
        String::from_utf8_lossy(&compared.stdout)
    );
}

#[test]
fn homeward_and_the_pandas_peer_agree_on_every_row() {
    for seed in [1, 2, 3] {
        agree_on(20_000, seed);
    }
}
