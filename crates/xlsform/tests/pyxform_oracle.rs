//! The XLSForm is checked by the real pyxform and ODK Validate (JavaRosa), through
//! `scripts/oracles/xlsform_check.py`: any warning or error fails the test.

use homeward_rss::builtin;
use homeward_test_support::{python_script, workspace_root};
use homeward_xlsform::{CaseChoice, XlsForm, case_list_csv, rss_form};
use serde_json::Value;

fn form(langs: &[&str]) -> XlsForm {
    let inst = builtin::instrument();
    let profile = builtin::provisional_profile(&inst);
    rss_form(&inst, &profile, langs, CaseChoice::Number).unwrap()
}

/// Converts `form` with pyxform + ODK Validate and returns the checker's report.
fn check(form: &XlsForm) -> Option<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rss.xlsx");
    std::fs::write(&path, form.to_xlsx().unwrap()).unwrap();
    let out = python_script("scripts/oracles/xlsform_check.py", &[path.as_os_str()])?;
    assert!(out.status.success(), "checker failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn assert_clean(report: &Value) {
    assert_eq!(report["error"], Value::Null, "pyxform / ODK Validate error");
    assert_eq!(report["warnings"], serde_json::json!([]), "pyxform warnings");
}

#[test]
fn the_rss_form_converts_and_validates_without_any_warning() {
    let Some(report) = check(&form(&["en", "fr"])) else { return };
    assert_clean(&report);
    assert_eq!(report["form_id"], "homeward_rss");
    assert_eq!(report["version"], "2019.1-rss-provisional-1");
    assert_eq!(report["languages"], serde_json::json!(["English (en)", "Français (fr)"]));
    assert_eq!(report["translations"]["English (en)"], report["translations"]["Français (fr)"]);
}

#[test]
fn skip_logic_consent_gate_constraints_and_q21_are_in_the_xform() {
    let Some(report) = check(&form(&["en", "fr"])) else { return };
    let binds = &report["binds"];
    let attr = |name: &str, key: &str| {
        binds[name][key].as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert_eq!(attr("Q10", "relevant"), "/data/economic/Q9 = 'yes'");
    assert_eq!(attr("Q31", "relevant"), "/data/psychosocial/Q30 = 'no'");
    for group in ["economic", "social", "psychosocial"] {
        assert_eq!(attr(group, "relevant"), "/data/consent = 'yes'", "{group} asked only with consent");
    }
    assert!(attr("Q8", "constraint").contains("not(selected(., 'no') and count-selected(.) > 1)"));
    assert!(attr("Q8", "constraint").contains("not(selected(., 'dwa') and count-selected(.) > 1)"));
    assert_eq!(attr("Q32", "constraint"), "not(selected(., 'no_one') and count-selected(.) > 1)");
    let q21 = attr("Q21", "calculate");
    for input in ["Q13", "Q15", "Q17", "Q18", "Q19"] {
        assert!(q21.contains(&format!("/data/social/{input} = 'very_good', 1")), "Q21 uses {input}");
    }
    assert!(binds["Q21"].get("required").is_none(), "Q21 is computed, never asked");
    for n in (1..=32).filter(|&n| n != 21) {
        assert_eq!(binds[format!("Q{n}")]["required"], "true()", "Q{n} is required");
    }
    assert_eq!(binds["survey_id"]["calculate"], "once(uuid())");
    for field in
        ["case_id", "date_of_return", "sex", "host_country", "vulnerable", "community_is_origin", "interview_location"]
    {
        assert!(binds.get(field).is_some(), "profile field {field}");
    }
}

#[test]
fn choice_names_are_the_codebook_codes() {
    let Some(report) = check(&form(&["en", "fr"])) else { return };
    let codebook = std::fs::read_to_string(workspace_root().join("docs/rss/codebook.csv")).unwrap();
    let mut expected: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for rec in csv::Reader::from_reader(codebook.as_bytes()).records() {
        let rec = rec.unwrap();
        if !rec[4].is_empty() {
            expected.entry(rec[0].to_string()).or_default().push(rec[4].to_string());
        }
    }
    assert_eq!(expected.len(), 31);
    for (question, codes) in expected {
        assert_eq!(report["choices"][&question], serde_json::json!(codes), "{question}");
    }
    assert_eq!(report["choices"]["consent"], serde_json::json!(["yes", "no"]));
}

#[test]
fn a_submission_says_which_case_which_round_and_when_where_and_by_whom() {
    let Some(report) = check(&form(&["en", "fr"])) else { return };
    assert_clean(&report);
    let binds = &report["binds"];
    assert_eq!(report["choices"]["round"], serde_json::json!(["baseline", "intermediate", "final", "ad_hoc"]));
    assert_eq!(binds["round"]["required"], "true()");
    assert_eq!(binds["case_id"]["required"], "true()");
    assert_eq!(binds["case_id"]["constraint"], "regex(., '^[Hh][Ww]-[0-9]{4}-[0-9]{6,}$')");
    assert!(binds["case_id"]["jr:constraintMsg"].is_string(), "the constraint says what a case number is");
    for (meta, preload) in [
        ("start", "timestamp"),
        ("end", "timestamp"),
        ("today", "date"),
        ("deviceid", "property"),
        ("username", "property"),
    ] {
        assert_eq!(binds[meta]["jr:preload"], preload, "{meta}");
    }
    assert!(binds.get("interview_location").is_some(), "where the interview took place");
}

#[test]
fn a_form_made_for_an_office_chooses_the_case_from_its_attached_list() {
    let inst = builtin::instrument();
    let profile = builtin::provisional_profile(&inst);
    let form = rss_form(&inst, &profile, &["en", "fr"], CaseChoice::FromFile("cases.csv")).unwrap();
    let Some(report) = check(&form) else { return };
    assert_clean(&report);
    assert_eq!(report["binds"]["case_id"]["required"], "true()");
    assert!(report["binds"]["case_id"].get("constraint").is_none(), "a case chosen from the list needs no pattern");
    assert_eq!(report["choice_files"]["case_id"], "jr://file-csv/cases.csv");
}

#[test]
fn the_case_list_is_csv_with_a_name_and_a_label_quoted() {
    let csv = case_list_csv(&[
        ("HW-2026-000025".into(), "HW-2026-000025 · F · 33".into()),
        ("HW-2026-000026".into(), "Awa \"Ya\" Diallo, Thiès".into()),
    ]);
    assert_eq!(
        csv,
        "name,label\n\"HW-2026-000025\",\"HW-2026-000025 · F · 33\"\n\"HW-2026-000026\",\"Awa \"\"Ya\"\" Diallo, Thiès\"\n"
    );
}

#[test]
fn a_form_in_one_language_is_clean_too() {
    let Some(report) = check(&form(&["fr"])) else { return };
    assert_clean(&report);
    assert_eq!(report["languages"], serde_json::json!(["Français (fr)"]));
}

/// Guards the guard: the oracle must reject a broken form, or the tests above prove nothing.
#[test]
fn the_oracle_rejects_a_broken_expression() {
    let mut broken = form(&["en", "fr"]);
    let relevant = broken.survey.column("relevant").unwrap();
    let name = broken.survey.column("name").unwrap();
    let q10 = broken.survey.rows.iter_mut().find(|r| r[name] == "Q10").unwrap();
    q10[relevant] = "${Q9} = = 'yes'".into();
    let Some(report) = check(&broken) else { return };
    assert_ne!(report["error"], Value::Null, "a syntax error must be reported");
}

#[test]
fn an_unknown_language_is_refused_naming_it() {
    let inst = builtin::instrument();
    let err = rss_form(&inst, &builtin::provisional_profile(&inst), &["en", "de"], CaseChoice::Number).unwrap_err();
    assert_eq!(err.to_string(), "language 'de' is not one of the instrument's languages (en, fr)");
}

/// The XForm Homeward serves to ODK Collect says what pyxform makes of the XLSForm: the same
/// instance, binds (types, relevance, constraints, calculations, preloads), controls, choice
/// lists and texts in every language; and ODK Validate accepts it.
#[test]
fn the_xform_homeward_writes_is_the_one_pyxform_makes_and_odk_validate_accepts_it() {
    for languages in [&["en", "fr"][..], &["fr"][..]] {
        let form = form(languages);
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("rss.xlsx");
        let xml = dir.path().join("rss.xml");
        std::fs::write(&xlsx, form.to_xlsx().unwrap()).unwrap();
        std::fs::write(&xml, form.to_xform().unwrap()).unwrap();
        let Some(out) = python_script("scripts/oracles/xform_compare.py", &[xlsx.as_os_str(), xml.as_os_str()]) else {
            return;
        };
        assert!(out.status.success(), "checker failed: {}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["validate_error"], Value::Null, "ODK Validate");
        let (theirs, ours) = (&report["pyxform"], &report["homeward"]);
        for part in ["title", "id", "version", "nodes", "binds", "controls", "lists", "texts", "default_language"] {
            assert_eq!(ours[part], theirs[part], "{part} differs from pyxform's ({languages:?})");
        }
    }
}
