//! Exports of case data, per role: what each must and must not hold (office scope,
//! pseudonymisation, sensitive sections, a partner's packets), codes with their labels, cells a
//! spreadsheet would run neutralised; the workbook read back with openpyxl. Every scenario runs
//! on SQLite and on PostgreSQL.

mod support;

use std::collections::BTreeMap;
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{TestApp, best_answers, id};
use tower::ServiceExt;

on_both_backends!(
    each_role_exports_what_it_may_see_and_nothing_else,
    the_workbook_is_in_the_users_language_and_runs_no_cell
);

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

/// A case in Dakar with a family name a spreadsheet would run, a phone number, a household
/// member, a health note and a survey; a case in Thiès. Returns the Dakar case's id.
async fn caseload(t: &TestApp) -> String {
    let root = t.admin().await;
    let mut registration = support::registration("Awa", FORMULA, "dakar");
    registration["profile"] = json!({"contacts": ["+221 77 000 00 00"], "province": "Dakar"});
    let (status, case) = t.post(&root, "/api/v1/cases", registration).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let case = id(&case);
    t.register(&root, "Coumba", "Fall", "thies").await;
    let member = json!({"name": "Ndeye", "relation": "daughter", "sex": "female", "recorded_on": "2026-02-02"});
    assert_eq!(t.post(&root, &format!("/api/v1/cases/{case}/household-members"), member).await.0, StatusCode::CREATED);
    let note = json!({"section": "health", "date": "2026-02-02", "text": "diabetic, needs insulin"});
    assert_eq!(t.post(&root, &format!("/api/v1/cases/{case}/sensitive-notes"), note).await.0, StatusCode::CREATED);
    let survey = json!({"phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": best_answers()});
    assert_eq!(t.post(&root, &format!("/api/v1/cases/{case}/surveys"), survey).await.0, StatusCode::CREATED);
    case
}

/// The export as `token` asks it: its status and its raw bytes.
async fn download(t: &TestApp, token: &str, format: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(format!("/api/v1/exports/cases?format={format}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = t.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind =
        response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 26).await.unwrap().to_vec();
    (status, kind, bytes)
}

/// The CSV files of a zip export, each as rows of cells by header.
fn csv_files(zip: &[u8]) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        if let Some(part) = name.strip_suffix(".csv") {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let headers = reader.headers().unwrap().clone();
            let rows = reader
                .records()
                .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, c)| (h.to_string(), c.to_string())).collect())
                .collect();
            files.insert(part.to_string(), rows);
        } else {
            files.insert(name, vec![BTreeMap::from([("text".to_string(), text)])]);
        }
    }
    files
}

fn all_text(files: &BTreeMap<String, Vec<BTreeMap<String, String>>>) -> String {
    serde_json::to_string(files).unwrap()
}

async fn each_role_exports_what_it_may_see_and_nothing_else(t: &TestApp) {
    let case = caseload(t).await;
    let cm = t.user("cm_dakar", "case_manager", Some("dakar"), "").await;
    let (status, kind, zip) = download(t, &cm, "zip").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/octet-stream"));
    let files = csv_files(&zip);
    let cases = &files["cases"];
    assert_eq!(cases.len(), 1, "only the cases of the user's office");
    let awa = &cases[0];
    assert_eq!(awa["family_name"], format!("'{FORMULA}"), "a cell a spreadsheet would run is neutralised");
    assert_eq!(awa["profile.contacts"], "'+221 77 000 00 00");
    assert_eq!(awa["profile.province"], "Dakar", "the profile's fields are columns");
    assert_eq!((awa["status"].as_str(), awa["status_label"].as_str()), ("intake", "intake"), "code and label");
    assert_eq!((awa["sex"].as_str(), awa["sex_label"].as_str()), ("female", "female"));
    let household = &files["household_members"];
    assert_eq!((household[0]["name"].as_str(), household[0]["case_id"].as_str()), ("Ndeye", case.as_str()));
    assert_eq!(household[0]["sex_label"], "female", "a record's choice with its label");
    assert!(files["sensitive_notes"].is_empty(), "no health note without the health grant");
    assert!(!all_text(&files).contains("insulin"));
    let readme = &files["README.txt"][0]["text"];
    assert!(readme.contains("health section: your role has no grant for it"), "what was left out is said: {readme}");
    let survey = &files["surveys"][0];
    assert_eq!(survey["case_id"], case);
    assert_eq!((survey["composite"].as_str(), survey["composite_band_label"].as_str()), ("1.0", "light"), "scores");
    assert_eq!((survey["profile"].as_str(), survey["profile_status"].as_str()), ("rss-provisional-1", "provisional"));
    assert_eq!((survey["phase"].as_str(), survey["phase_label"].as_str()), ("baseline", "baseline"), "the round too");
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &case, 100).await.unwrap();
    drop(conn);
    assert!(
        log.iter()
            .any(|e| e.entry.action == "export" && e.entry.actor == "cm_dakar" && e.entry.fields.contains("cases")),
        "the export is in the case's access log: {log:?}"
    );

    let granted = t.user("cm_health", "case_manager", Some("dakar"), "health").await;
    let files = csv_files(&download(t, &granted, "zip").await.2);
    assert_eq!(files["sensitive_notes"][0]["text"], "diabetic, needs insulin", "with the grant, the note");

    let me = t.user("me_dakar", "me_officer", None, "").await;
    let files = csv_files(&download(t, &me, "zip").await.2);
    let text = all_text(&files);
    assert_eq!(files["cases"].len(), 2, "every office, pseudonymised");
    assert!(!text.contains("Awa") && !text.contains("HYPERLINK") && !text.contains("+221"), "no identity: {text}");
    assert!(!files.contains_key("household_members") && !files.contains_key("referrals"), "nothing identifying");
    assert_eq!(files["surveys"].len(), 1, "the surveys and their scores");

    let (_, provider) = t
        .post(
            &t.admin().await,
            "/api/v1/providers",
            json!({"organisation": "P", "services": ["training"], "dimensions": ["economic"], "country": "SN",
                "place": "Dakar", "last_verified": "2026-01-01"}),
        )
        .await;
    let partner = t.user_of_provider("partner", "partner", None, "", Some(&id(&provider))).await;
    let files = csv_files(&download(t, &partner, "zip").await.2);
    assert_eq!(files.keys().collect::<Vec<_>>(), ["README.txt", "packets"], "a partner exports its packets only");
    assert!(files["packets"].is_empty(), "none was sent to it");
}

async fn the_workbook_is_in_the_users_language_and_runs_no_cell(t: &TestApp) {
    caseload(t).await;
    let token = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let (status, _) = t.put(&token, "/api/v1/session/language", json!({"language": "fr"})).await;
    assert!(status.is_success(), "{status}");
    let (status, kind, xlsx) = download(t, &token, "xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/octet-stream");
    assert_eq!(&xlsx[..2], b"PK", "a workbook");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    std::fs::write(&path, &xlsx).unwrap();
    let Some(out) = homeward_test_support::python_script("scripts/oracles/xlsx_cells.py", &[path.as_os_str()]) else {
        return;
    };
    assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
    let sheets: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&String> = sheets.as_object().unwrap().keys().collect();
    assert!(names.contains(&&"Dossiers".to_string()) && names.contains(&&"Membres du ménage".to_string()), "{names:?}");
    let cases = sheets["Dossiers"].as_array().unwrap();
    let header: Vec<&str> = cases[0].as_array().unwrap().iter().map(|c| c[0].as_str().unwrap_or("")).collect();
    let column = |code: &str| {
        header.iter().position(|h| h.ends_with(&format!("\n{code}"))).unwrap_or_else(|| panic!("{code}: {header:?}"))
    };
    let family = &cases[1][column("family_name")];
    assert_eq!((family[0].as_str(), family[1].as_str()), (Some(FORMULA), Some("s")), "text, never a formula");
    let status_label =
        header.iter().position(|h| h.starts_with("Statut") && h.contains("libellé")).expect("the status label");
    assert_eq!(cases[1][status_label][0], "accueil", "the label in French");

    // The M&E officer's workbook, read by openpyxl: every case, no identity, no record.
    let me = t.user("me_all", "me_officer", None, "").await;
    let (_, _, xlsx) = download(t, &me, "xlsx").await;
    std::fs::write(&path, &xlsx).unwrap();
    let out = homeward_test_support::python_script("scripts/oracles/xlsx_cells.py", &[path.as_os_str()]).unwrap();
    let sheets: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = sheets.to_string();
    assert!(!text.contains("Awa") && !text.contains("HYPERLINK") && !text.contains("221 77"), "pseudonymised: {text}");
    assert!(!sheets.as_object().unwrap().contains_key("Household members"), "no record identifies");
    assert_eq!(sheets["Cases"].as_array().unwrap().len(), 3, "the header and both offices' cases");
}
