//! `homeward analyze` against statsmodels: the same model fitted on the same generated file must
//! agree in every number to 1e-8 relative (coefficients, classical and HC1 standard errors, t, p,
//! intervals, R², adjusted R², σ, F), and the command's refusals name what is wrong.

mod server_support;

use std::fmt::Write as _;

use homeward_test_support::python_script;
use serde_json::Value;
use server_support::{homeward, text};

/// A small deterministic generator (SplitMix64), so the data is the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() * items.len() as f64) as usize % items.len()]
    }
}

const COUNTRIES: [&str; 7] = ["Côte Divoire", "Ethiopia", "Guinea", "Guinea-Bissau", "Nigeria", "Other", "Senegal"];
const PROGRAMS: [&str; 7] = [
    "Financial Services",
    "Material Assistance",
    "Medical Support",
    "Microbusiness",
    "None",
    "Psychosocial Support",
    "Training",
];

/// Survey rows shaped like seed 002's: scores that depend on every term, with uneven noise
/// (so HC1 differs from classical) and some missing cells (so rows are left out).
fn survey_file(rows: usize, seed: u64) -> String {
    let mut r = Random(seed);
    let mut csv = String::from("case,composite,age,gender,time,country,program\n");
    for i in 0..rows {
        let age = 18.0 + (r.next() * 45.0).floor();
        let gender = if r.next() < 0.4 { "Female" } else { "Male" };
        let time = (r.next() * 4.0).floor();
        let country = r.pick(&COUNTRIES);
        let program = r.pick(&PROGRAMS);
        let effect = COUNTRIES.iter().position(|c| *c == country).unwrap() as f64 * -0.02
            + PROGRAMS.iter().position(|p| *p == program).unwrap() as f64 * 0.015;
        let noise = (r.next() - 0.5) * (0.05 + 0.1 * time);
        let score = (0.45 + 0.001 * age + 0.03 * time + effect + if gender == "Female" { 0.01 } else { 0.0 } + noise)
            .clamp(0.0, 1.0);
        let composite = if r.next() < 0.03 { String::new() } else { format!("{score:.6}") };
        let age = if r.next() < 0.02 { "NA".to_string() } else { age.to_string() };
        writeln!(csv, "{i},{composite},{age},{gender},{time},{country},{program}").unwrap();
    }
    csv
}

fn close(ours: &Value, theirs: &Value, what: &str) {
    let (a, b) = (ours.as_f64().unwrap_or(f64::NAN), theirs.as_f64().unwrap_or(f64::NAN));
    let ok = (a - b).abs() <= 1e-8 * b.abs() || (a.abs() < 1e-250 && b.abs() < 1e-250);
    assert!(ok, "{what}: homeward {a:e}, statsmodels {b:e}");
}

fn agree(formula: &str, reference: &str, robust: bool, rows: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("surveys.csv");
    std::fs::write(&input, survey_file(rows, seed)).unwrap();
    let mut args =
        vec!["analyze", "regress", "--input", input.to_str().unwrap(), "--formula", formula, "--format", "json"];
    if !reference.is_empty() {
        args.extend(["--reference", reference]);
    }
    if robust {
        args.extend(["--robust", "hc1"]);
    }
    let out = homeward(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let Some(oracle) = python_script(
        "scripts/oracles/statsmodels_ols.py",
        &[input.as_os_str(), formula.as_ref(), reference.as_ref(), (if robust { "hc1" } else { "classical" }).as_ref()],
    ) else {
        return;
    };
    assert!(oracle.status.success(), "statsmodels: {}", text(&oracle.stderr));
    let theirs: Value = serde_json::from_slice(&oracle.stdout).unwrap();
    assert_eq!(ours["n"], theirs["n"], "rows used");
    assert_eq!(ours["df_resid"], theirs["df_resid"]);
    for key in ["r_squared", "adj_r_squared", "sigma", "f_statistic", "f_p_value"] {
        close(&ours[key], &theirs[key], key);
    }
    let (ours, theirs) = (ours["coefficients"].as_array().unwrap(), theirs["coefficients"].as_array().unwrap());
    let names = |c: &[Value]| c.iter().map(|c| c["term"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(ours), names(theirs), "the same terms, named as R names them");
    for (a, b) in ours.iter().zip(theirs) {
        for key in ["estimate", "std_error", "t_value", "p_value", "conf_low", "conf_high"] {
            close(&a[key], &b[key], &format!("{} {key}", a["term"]));
        }
    }
}

#[test]
fn the_regression_of_seed_002_agrees_with_statsmodels_classical_and_robust() {
    let formula = "composite ~ age + gender + time + country + program";
    agree(formula, "", false, 2_000, 1);
    agree(formula, "country=Other,program=None", false, 2_000, 2);
    agree(formula, "country=Other,program=None", true, 2_000, 3);
}

#[test]
fn small_samples_and_numeric_only_models_agree_too() {
    agree("composite ~ age + time", "", false, 40, 4);
    agree("composite ~ time + program", "program=Training", true, 60, 5);
}

/// The same returnees surveyed at baseline and at the end; mentored ones improve more.
fn panel_file(cases: usize, seed: u64) -> String {
    let mut r = Random(seed);
    let mut csv = String::from("case,phase,composite,mentored,country\n");
    for i in 0..cases {
        let mentored = if r.next() < 0.5 { "yes" } else { "no" };
        let country = r.pick(&COUNTRIES[..3]);
        let before = 0.3 + r.next() * 0.3;
        let gain = 0.05 + if mentored == "yes" { 0.06 } else { 0.0 } + (r.next() - 0.5) * 0.2;
        writeln!(csv, "c{i},baseline,{before:.6},{mentored},{country}").unwrap();
        if r.next() < 0.9 {
            writeln!(csv, "c{i},final,{:.6},{mentored},{country}", (before + gain).clamp(0.0, 1.0)).unwrap();
        }
    }
    csv
}

#[test]
fn group_summaries_agree_with_pandas() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("surveys.csv");
    std::fs::write(&input, survey_file(1_500, 11)).unwrap();
    let path = input.to_str().unwrap();
    let args = [
        "analyze",
        "summary",
        "--input",
        path,
        "--measure",
        "composite",
        "--by",
        "country,gender",
        "--min-cell",
        "1",
        "--format",
        "json",
    ];
    let out = homeward(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let Some(oracle) = python_script(
        "scripts/oracles/m_and_e.py",
        &[
            "summary".as_ref(),
            input.as_os_str(),
            "composite".as_ref(),
            "country,gender".as_ref(),
            "0.33".as_ref(),
            "0.66".as_ref(),
        ],
    ) else {
        return;
    };
    assert!(oracle.status.success(), "pandas: {}", text(&oracle.stderr));
    let theirs: Value = serde_json::from_slice(&oracle.stdout).unwrap();
    let (ours_rows, their_rows) = (ours["rows"].as_array().unwrap(), theirs["rows"].as_array().unwrap());
    assert_eq!(ours_rows.len(), their_rows.len());
    assert_eq!(ours["total"]["n"], theirs["n"]);
    for (a, b) in ours_rows.iter().zip(their_rows) {
        assert_eq!(a["group"], b["group"]);
        assert_eq!(a["n"], b["n"]);
        for key in ["mean", "sd", "median", "q1", "q3"] {
            close(&a[key], &b[key], &format!("{} {key}", a["group"]));
        }
        for band in 0..3 {
            close(&a["bands"][band], &b["bands"][band], &format!("{} band {band}", a["group"]));
        }
    }
}

#[test]
fn small_cells_are_suppressed_in_the_commands_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.csv");
    std::fs::write(&input, "score,office\n0.5,dakar\n0.6,dakar\n0.7,dakar\n0.4,dakar\n0.5,dakar\n0.9,thies\n0.2,kaolack\n0.3,kaolack\n0.4,kaolack\n0.5,kaolack\n0.6,kaolack\n0.7,kaolack\n").unwrap();
    let out =
        homeward(&["analyze", "summary", "--input", input.to_str().unwrap(), "--measure", "score", "--by", "office"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let row = |office: &str| table.lines().find(|l| l.starts_with(office)).unwrap_or_default().to_string();
    assert!(row("thies").contains("suppressed: fewer than 5"), "{table}");
    assert!(row("dakar").contains("suppressed: would reveal a small cell"), "the smaller other cell goes too: {table}");
    assert!(!row("kaolack").contains("suppressed"), "{table}");
    assert!(!table.contains("0.9000"), "no figure of the hidden cell appears: {table}");
}

#[test]
fn the_difference_in_differences_agrees_with_statsmodels() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("panel.csv");
    std::fs::write(&input, panel_file(400, 21)).unwrap();
    let path = input.to_str().unwrap();
    let out = homeward(&[
        "analyze",
        "change",
        "--input",
        path,
        "--id",
        "case",
        "--phase",
        "phase",
        "--measure",
        "composite",
        "--group",
        "mentored",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let Some(oracle) = python_script(
        "scripts/oracles/m_and_e.py",
        &["did", path, "case", "phase", "composite", "mentored", "baseline", "final", "no"].map(std::ffi::OsStr::new),
    ) else {
        return;
    };
    assert!(oracle.status.success(), "statsmodels: {}", text(&oracle.stderr));
    let theirs: Value = serde_json::from_slice(&oracle.stdout).unwrap();
    assert_eq!(ours["cases"].as_array().unwrap().len() as u64, theirs["cases"].as_u64().unwrap());
    let did = &ours["comparison"]["difference_in_differences"];
    for key in ["estimate", "std_error", "t_value", "p_value", "conf_low", "conf_high"] {
        close(&did[key], &theirs[key], key);
    }
    assert_eq!(ours["comparison"]["control"], "no");
    let d = ours["comparison"]["cohens_d"]["estimate"].as_f64().unwrap();
    let g = ours["comparison"]["hedges_g"]["estimate"].as_f64().unwrap();
    assert!(
        d > 0.0 && g < d && g > 0.99 * d,
        "Hedges' g shrinks d a little on {} cases: d {d}, g {g}",
        theirs["cases"]
    );
}

#[test]
fn refusals_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.csv");
    std::fs::write(&input, "y,sex,female\n1,F,1\n2,M,0\n3,F,1\n5,M,0\n").unwrap();
    let run = |formula: &str, extra: &[&str]| {
        let mut args = vec!["analyze", "regress", "--input", input.to_str().unwrap(), "--formula", formula];
        args.extend(extra);
        let out = homeward(&args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
        text(&out.stderr)
    };
    assert!(run("y ~ sex + female", &[]).contains("female can be computed from the terms before them"));
    assert!(run("y ~ age", &[]).contains("there is no column `age`; the columns are: y, sex, female"));
    assert!(run("sex ~ female", &[]).contains("the response `sex` must be numeric"));
    assert!(run("y ~ sex", &["--reference", "sex=X"]).contains("`sex` has no level `X`; its levels are: F, M"));
    assert!(run("y ~ sex", &["--robust", "hc3"]).contains("the estimator offered is hc1"));
    assert!(run("y = sex", &[]).contains("needs the form `response ~ term + term`"));
}

#[test]
fn a_column_whose_first_values_are_numbers_is_categorical_if_any_value_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.csv");
    std::fs::write(&input, "y,group\n1,\n1.5,1\n2,2\n3,a\n4,1\n4.5,2\n6,a\n").unwrap();
    let out = homeward(&[
        "analyze",
        "regress",
        "--input",
        input.to_str().unwrap(),
        "--formula",
        "y ~ group",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let fit: Value = serde_json::from_slice(&out.stdout).unwrap();
    let terms: Vec<&str> =
        fit["coefficients"].as_array().unwrap().iter().map(|c| c["term"].as_str().unwrap()).collect();
    assert_eq!(terms, ["(Intercept)", "group2", "groupa"], "levels 1, 2, a; the row without a group left out");
    assert_eq!(fit["n"], 6);
}

#[test]
fn the_table_reads_like_a_regression_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.csv");
    std::fs::write(&input, survey_file(300, 9)).unwrap();
    let out =
        homeward(&["analyze", "regress", "--input", input.to_str().unwrap(), "--formula", "composite ~ time + gender"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("composite ~ time + gender   (classical standard errors)"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("genderMale ")), "{table}");
    assert!(table.contains("R² = ") && table.contains("F = "), "{table}");
}
