//! The `homeward` binary as a user runs it: exit codes, files written or not, messages.

use std::path::{Path, PathBuf};
use std::process::Command;

use homeward_test_support::workspace_root;
use server_support::{homeward, text};

mod server_support;

fn samples() -> PathBuf {
    workspace_root().join("data/rss/samples/surveys.csv")
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn demo_prints_a_table_of_the_sample_surveys_with_the_profile() {
    let out = homeward(&["rss", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("PROVISIONAL: not IOM's official weights"), "{stdout}");
    assert!(stdout.contains("RSS-0001  scored     0.10"), "{stdout}");
    assert!(
        stdout.contains("10 surveys: 7 scored (1 intensive, 2 standard, 4 light), 2 discarded, 1 invalid"),
        "{stdout}"
    );
}

#[test]
fn score_writes_the_results_and_exits_1_when_a_row_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("scores.csv");
    let out = homeward(&["rss", "score", "--input", arg(&samples()), "--output", arg(&output)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&output).unwrap();
    assert_eq!(written.lines().count(), 11);
    assert!(written.starts_with("survey_id,status,reason,"));
    assert!(written.lines().skip(1).all(|l| l.ends_with(",rss-provisional-1")));
    assert!(text(&out.stderr).contains("10 surveys: 7 scored, 2 discarded, 1 invalid"));
}

#[test]
fn score_exits_0_when_every_row_is_scored_or_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let samples = std::fs::read_to_string(samples()).unwrap();
    let valid: Vec<&str> = samples.lines().filter(|l| !l.starts_with("RSS-0008")).collect();
    std::fs::write(&input, valid.join("\n")).unwrap();
    let output = dir.path().join("out.csv");
    let out = homeward(&["rss", "score", "--input", arg(&input), "--output", arg(&output)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn score_exits_2_and_writes_nothing_when_the_file_cannot_be_processed() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let latin1 = std::fs::read_to_string(samples()).unwrap().replacen("RSS-0009", "RSS-\u{e9}", 1);
    let latin1: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    let cases: [(&str, &[u8], &str); 3] = [
        ("missing column", b"survey_id,consent,Q1\nA,yes,ok\n", "the header has no column 'Q2'"),
        ("not utf-8", &latin1, "row 10: not UTF-8 text (column 1)"),
        ("empty", b"", "the input is empty"),
    ];
    for (what, content, message) in cases {
        let input = dir.path().join("in.csv");
        std::fs::write(&input, content).unwrap();
        let out = homeward(&["rss", "score", "--input", arg(&input), "--output", arg(&output)]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(text(&out.stderr).contains(message), "{what}: {}", text(&out.stderr));
        assert!(!output.exists(), "{what}: nothing may be written");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "{what}: no temporary file is left behind");
    }
    let out = homeward(&["rss", "score", "--input", "/nonexistent.csv", "--output", arg(&output)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent.csv"));
}

#[test]
fn a_failed_run_leaves_an_earlier_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    std::fs::write(&output, "earlier results").unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "survey_id\n").unwrap();
    let out = homeward(&["rss", "score", "--input", arg(&input), "--output", arg(&output)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "earlier results");
}

#[test]
fn score_uses_a_profile_given_with_profile_and_names_it_in_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("official.toml");
    let text_profile =
        std::fs::read_to_string(workspace_root().join("data/rss/profiles/rss-provisional-1.toml")).unwrap();
    std::fs::write(
        &profile,
        text_profile
            .replace("name = \"rss-provisional-1\"", "name = \"org-2026\"")
            .replace("status = \"provisional\"", "status = \"custom\""),
    )
    .unwrap();
    let output = dir.path().join("out.csv");
    let out =
        homeward(&["rss", "score", "--input", arg(&samples()), "--output", arg(&output), "--profile", arg(&profile)]);
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(written.lines().skip(1).all(|l| l.ends_with(",org-2026")));
    assert!(text(&out.stderr).contains("org-2026 (custom: not IOM's official scoring)"));
}

#[test]
fn a_bad_profile_is_refused_naming_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("bad.toml");
    let original = std::fs::read_to_string(workspace_root().join("data/rss/profiles/rss-provisional-1.toml")).unwrap();
    std::fs::write(&profile, original.replace("[items.Q25]\nweight = 2", "[items.Q25]\nweight = -1")).unwrap();
    let output = dir.path().join("out.csv");
    let out =
        homeward(&["rss", "score", "--input", arg(&samples()), "--output", arg(&output), "--profile", arg(&profile)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("profile item Q25: weight -1 must be a number of 0 or more"),
        "{}",
        text(&out.stderr)
    );
    assert!(!output.exists());
    let out = homeward(&["rss", "profile", "check", arg(&profile)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Q25"));
}

#[test]
fn profile_check_summarises_a_valid_profile() {
    let path = workspace_root().join("data/rss/profiles/rss-provisional-1.toml");
    let out = homeward(&["rss", "profile", "check", arg(&path)]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    for expected in [
        "is a valid profile",
        "PROVISIONAL",
        "weighted_items",
        "intensive below 0.33, light above 0.66",
        "more than 7 dk/dwa",
        "Q2 = 2, Q25 = 2, Q30 = 2",
        "scored items:  30",
    ] {
        assert!(stdout.contains(expected), "{expected:?} in {stdout}");
    }
}

#[test]
fn sensitivity_prints_a_table_of_band_changes_per_weight() {
    let out = homeward(&["rss", "sensitivity", "--input", arg(&samples())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Q2, Q25, Q30"), "{stdout}");
    assert!(stdout.contains("7 scored surveys"), "{stdout}");
    for w in ["1 ", "1.5", "2 (profile)", "2.5", "3 "] {
        assert!(stdout.lines().any(|l| l.starts_with(w)), "row for weight {w} in {stdout}");
    }
    let profile_row = stdout.lines().find(|l| l.starts_with("2 (profile)")).unwrap();
    assert_eq!(profile_row.matches("0 (0.0%)").count(), 4, "the profile's own weight changes nothing: {profile_row}");
}

#[test]
fn xlsform_writes_a_workbook_and_refuses_an_unknown_language() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("rss.xlsx");
    let out = homeward(&["rss", "xlsform", "--output", arg(&output), "--lang", "fr,en"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read(&output).unwrap().starts_with(b"PK"), "an xlsx is a zip");
    let other = dir.path().join("de.xlsx");
    let out = homeward(&["rss", "xlsform", "--output", arg(&other), "--lang", "de"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("language 'de'"));
    assert!(!other.exists());
}

#[test]
fn help_says_the_provisional_weights_are_not_official() {
    for args in [&["--help"][..], &["rss", "score", "--help"]] {
        let out = homeward(args);
        assert!(text(&out.stdout).contains("NOT IOM's official scoring"), "{args:?}");
        assert!(text(&out.stdout).contains("--profile FILE"), "{args:?}");
    }
}

/// `script` (util-linux) runs the command on a pseudo-terminal, as a user's shell would.
#[test]
fn score_shows_progress_on_a_terminal_and_not_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let command = format!(
        "{} rss score --input {} --output {}",
        env!("CARGO_BIN_EXE_homeward"),
        samples().display(),
        output.display()
    );
    let on_terminal = Command::new("script").args(["-qec", &command, "/dev/null"]).output().expect("script runs");
    let seen = text(&on_terminal.stdout);
    assert!(seen.contains("] 100%  10 rows"), "progress bar on the terminal: {seen:?}");

    let piped = homeward(&["rss", "score", "--input", arg(&samples()), "--output", arg(&output)]);
    assert!(!text(&piped.stderr).contains("rows\r") && !text(&piped.stderr).contains('['), "no progress bar in a pipe");
}
