//! Surveys exported from KoboToolbox or ODK Central, imported into their cases: the same rules
//! as a survey recorded by hand, one report per file, nothing stored twice. Every scenario runs
//! on SQLite and on PostgreSQL.

mod support;

use homeward_service::imports::{Listed, Origin, Outcome, OutcomeCounts, import_surveys};
use homeward_submissions::read;
use support::{TestApp, id};

on_both_backends!(
    an_export_is_imported_into_its_cases_once_with_each_refusal_named,
    a_dry_run_stores_nothing,
    a_q21_the_form_computed_otherwise_is_reported_and_homewards_kept,
    an_import_is_logged_with_its_refusals_shown_on_their_case,
    every_stored_score_is_the_batch_scorers,
    an_export_is_posted_to_the_api_as_csv,
    an_xlsx_export_imports_as_its_csv_does,
    a_long_file_finds_its_repeats_across_chunks_and_lists_only_what_to_read,
);

/// A Kobo export (`;`, group paths) of `rows`: (instance id, case number, round, consent, Q1).
fn kobo(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let questions: Vec<(&str, &str)> =
        homeward_test_support::BEST_ANSWERS.iter().filter(|(q, _)| *q != "Q1").copied().collect();
    let mut csv = String::from("_uuid;profile/case_id;profile/round;profile/interview_date;consent;economic/Q1");
    for (q, _) in &questions {
        csv.push_str(&format!(";grp/{q}"));
    }
    csv.push('\n');
    for (instance, case, round, consent, q1) in rows {
        csv.push_str(&format!("uuid:{instance};{case};{round};2026-03-02;{consent};{q1}"));
        for (_, a) in &questions {
            csv.push_str(&format!(";{a}"));
        }
        csv.push('\n');
    }
    csv
}

/// Imports `export` as `caller`, every row listed.
async fn import(
    t: &TestApp,
    caller: &homeward_service::Caller,
    export: &homeward_submissions::Export,
    dry_run: bool,
) -> homeward_service::imports::ImportReport {
    let origin = Origin { source: export.source, file_name: None };
    import_surveys(&t.services, caller, origin, export.items(), dry_run, Listed::Every).await.unwrap()
}

async fn setup(t: &TestApp) -> (homeward_service::Caller, String, String, String) {
    let root = t.admin().await;
    let a = t.register(&root, "Awa", "Ba", "dakar").await;
    let b = t.register(&root, "Binta", "Sow", "dakar").await;
    let c = t.register(&root, "Coumba", "Fall", "thies").await;
    let token = t.user("awa_c", "counsellor", Some("dakar"), "").await;
    let caller = homeward_service::session::authenticate(&t.services, &token, "test").await.unwrap();
    let number = |v: &serde_json::Value| v["case_number"].as_str().unwrap().to_string();
    let _ = id(&a);
    (caller, number(&a), number(&b), number(&c))
}

async fn an_export_is_imported_into_its_cases_once_with_each_refusal_named(t: &TestApp) {
    let (caller, a, b, c) = setup(t).await;
    let best_q1 = homeward_test_support::BEST_ANSWERS.iter().find(|(q, _)| *q == "Q1").unwrap().1;
    let rows = [
        ("i1", a.as_str(), "baseline", "yes", best_q1),
        ("i2", b.as_str(), "intermediate", "no", best_q1),
        ("i3", c.as_str(), "baseline", "yes", best_q1),
        ("i4", a.as_str(), "midline", "yes", best_q1),
        ("i5", a.as_str(), "final", "yes", "great"),
        ("i1", a.as_str(), "baseline", "yes", best_q1),
    ];
    let export = read(kobo(&rows).as_bytes(), t.services.scorer.instrument()).unwrap();
    let report = import(t, &caller, &export, false).await;
    let outcomes: Vec<(usize, Outcome, Option<&str>)> =
        report.rows.iter().map(|r| (r.row, r.outcome, r.column.as_deref())).collect();
    assert_eq!(
        outcomes,
        [
            (2, Outcome::Created, None),
            (3, Outcome::Created, None),
            (4, Outcome::Refused, Some("case_id")),
            (5, Outcome::Refused, Some("round")),
            (6, Outcome::Refused, Some("Q1")),
            (7, Outcome::AlreadyImported, None),
        ],
        "{report:?}"
    );
    assert!(report.rows[2].reason.as_deref().unwrap().contains("not a case number of your offices"));
    assert!(report.rows[3].reason.as_deref().unwrap().contains("baseline, intermediate, final, ad_hoc"));
    assert_eq!(report.rows[1].status, Some(homeward_rss::Status::Discarded), "no consent: kept, not scored");
    let why = report.rows[1].reason.as_deref().unwrap_or_default();
    assert!(why.starts_with("consent: 'no'"), "the report says why it is kept unscored: {why}");
    assert_eq!(t.count("surveys").await, 2);
    assert_eq!(t.count("survey_submissions").await, 2);

    // The stored scores are the batch scorer's for the same answers.
    let stored = {
        let mut conn = t.store.read().await.unwrap();
        let case = homeward_store::query::cases::by_numbers(&mut conn, &[a.as_str()]).await.unwrap().remove(0);
        homeward_store::query::surveys::of_case(&mut conn, &case.id).await.unwrap()
    };
    let (survey, results) = &stored[0];
    assert_eq!(survey.phase, homeward_domain::survey::SurveyPhase::Baseline);
    let s = &export.submissions[0];
    let pairs = s.answers.iter().map(|(q, a)| (q.as_str(), a.as_str()));
    let expected = t
        .services
        .scorer
        .score(&homeward_rss::Survey::from_pairs(t.services.scorer.instrument(), "yes", pairs).unwrap());
    assert_eq!(results[0].composite, expected.composite);
    assert_eq!(results[0].status, homeward_rss::Status::Scored);
    assert_eq!(report.rows[0].note, None, "no Q21 column, nothing to compare");

    // Again: nothing new. Changed answers under a known instance: reported, not stored.
    let again = import(t, &caller, &export, false).await;
    assert_eq!((again.count(Outcome::Created), again.count(Outcome::AlreadyImported)), (0, 3));
    let changed =
        read(kobo(&[("i1", a.as_str(), "baseline", "yes", "ok")]).as_bytes(), t.services.scorer.instrument()).unwrap();
    let changed = import(t, &caller, &changed, false).await;
    assert_eq!(changed.rows[0].outcome, Outcome::ChangedResubmission);
    assert_eq!(t.count("surveys").await, 2);

    // Audited as imports by the counsellor, on the case.
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let case = homeward_store::query::cases::by_numbers(&mut conn, &[a.as_str()]).await.unwrap().remove(0);
    let log = homeward_store::audit::for_case(&mut conn, &case.id, 100).await.unwrap();
    assert!(log.iter().any(|e| e.entry.action == "import" && e.entry.actor == "awa_c"), "{log:?}");
}

/// Q21 as the form computed it is compared with Homeward's: a difference is said, not fatal.
async fn a_q21_the_form_computed_otherwise_is_reported_and_homewards_kept(t: &TestApp) {
    let (caller, a, _, _) = setup(t).await;
    let csv = kobo(&[("q1", a.as_str(), "baseline", "yes", "ok"), ("q2", a.as_str(), "final", "yes", "ok")]);
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    lines[0].push_str(";social/Q21");
    let instrument = t.services.scorer.instrument();
    let export = read(format!("{}\n{};1\n{};0.25\n", lines[0], lines[1], lines[2]).as_bytes(), instrument).unwrap();
    let report = import(t, &caller, &export, true).await;
    assert_eq!(report.rows[0].note, None, "the best answers make Q21 1, as the form says");
    let note = report.rows[1].note.as_deref().unwrap_or_default();
    assert!(note.starts_with("Q21: the form computed 0.2500, Homeward computes 1.0000"), "{note}");
    assert_eq!(report.count(Outcome::Created), 2, "not fatal");
}

async fn a_dry_run_stores_nothing(t: &TestApp) {
    let (caller, a, _, _) = setup(t).await;
    let export =
        read(kobo(&[("d1", a.as_str(), "baseline", "yes", "ok")]).as_bytes(), t.services.scorer.instrument()).unwrap();
    let dry = import(t, &caller, &export, true).await;
    assert!(dry.dry_run);
    assert_eq!(dry.count(Outcome::Created), 1, "what the real run would do");
    assert_eq!((t.count("surveys").await, t.count("survey_submissions").await), (0, 0));
    let real = import(t, &caller, &export, false).await;
    assert_eq!(real.count(Outcome::Created), 1);
    assert_eq!(t.count("surveys").await, 1);
}

async fn an_export_is_posted_to_the_api_as_csv(t: &TestApp) {
    let (_, a, _, _) = setup(t).await;
    let token = t.user("awa_api", "counsellor", Some("dakar"), "").await;
    let post = |content_type: &'static str, body: String, query: &'static str| {
        axum::http::Request::post(format!("/api/v1/surveys/imports{query}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let csv = kobo(&[("api1", a.as_str(), "baseline", "yes", "ok")]);
    let (status, dry) = t.send(post("text/csv; charset=utf-8", csv.clone(), "?dry_run=true")).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{dry}");
    assert_eq!((dry["dry_run"].as_bool(), dry["rows"][0]["outcome"].as_str()), (Some(true), Some("created")));
    assert_eq!(t.count("surveys").await, 0);
    let (status, done) = t.send(post("application/octet-stream", csv, "")).await;
    assert_eq!((status, done["rows"][0]["outcome"].as_str()), (axum::http::StatusCode::OK, Some("created")));
    let counts = serde_json::json!({"created": 1, "already_imported": 0, "changed_resubmission": 0, "refused": 0});
    assert_eq!(done["counts"], counts, "every row counted");
    assert_eq!(t.count("surveys").await, 1);
    let (status, refused) = t.send(post("text/csv", "name,amount\nx,1\n".into(), "")).await;
    assert_eq!(status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["fields"][0]["field"], "file");
    let (status, _) = t.send(post("application/json", "{}".into(), "")).await;
    assert_eq!(status, axum::http::StatusCode::BAD_REQUEST, "sent as CSV or not at all");
}

/// The same submissions as XLSX and as CSV (under other instance ids) are stored with the same
/// scores, and those are the batch scorer's.
async fn an_xlsx_export_imports_as_its_csv_does(t: &TestApp) {
    let (_, a, b, _) = setup(t).await;
    let token = t.user("awa_x", "counsellor", Some("dakar"), "").await;
    let post = |content_type: &'static str, body: Vec<u8>| {
        axum::http::Request::post("/api/v1/surveys/imports")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let rows = |prefix: &str| {
        kobo(&[
            (&format!("{prefix}1"), a.as_str(), "baseline", "yes", "ok"),
            (&format!("{prefix}2"), b.as_str(), "final", "yes", "very_satisfied"),
            (&format!("{prefix}3"), b.as_str(), "final", "yes", "great"),
        ])
    };
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (status, from_xlsx) = t.send(post(xlsx_type, homeward_test_support::xlsx_of_csv(&rows("x"), ';'))).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{from_xlsx}");
    let (_, from_csv) = t.send(post("text/csv", rows("c").into_bytes())).await;
    let outcomes = |r: &serde_json::Value| {
        r["rows"].as_array().unwrap().iter().map(|r| (r["row"].clone(), r["outcome"].clone())).collect::<Vec<_>>()
    };
    assert_eq!(outcomes(&from_xlsx), outcomes(&from_csv));
    assert_eq!(from_xlsx["rows"][2]["column"], "Q1", "{from_xlsx}");

    let export = read(rows("c").as_bytes(), t.services.scorer.instrument()).unwrap();
    let mut conn = t.store.read().await.unwrap();
    for (i, number) in [(0, &a), (1, &b)] {
        let case = homeward_store::query::cases::by_numbers(&mut conn, &[number.as_str()]).await.unwrap().remove(0);
        let stored = homeward_store::query::surveys::of_case(&mut conn, &case.id).await.unwrap();
        assert_eq!(stored.len(), 2, "one from each file");
        let s = &export.submissions[i];
        let pairs = s.answers.iter().map(|(q, a)| (q.as_str(), a.as_str()));
        let survey = homeward_rss::Survey::from_pairs(t.services.scorer.instrument(), "yes", pairs).unwrap();
        let expected = t.services.scorer.score(&survey);
        assert_eq!(case.latest_band, expected.composite_band, "the case shows its latest survey's band");
        for (_, results) in &stored {
            assert_eq!(results[0].composite, expected.composite);
            let dimensions = vec![results[0].economic, results[0].social, results[0].psychosocial];
            assert_eq!(dimensions, expected.dimensions);
        }
    }
}

/// An import stays in the log: its counts, and every row not stored with why, shown on the case
/// the row named to those who read the case. The importer sees their own imports; another
/// office's counsellor does not; those who read the audit see all. A dry run is not logged.
async fn an_import_is_logged_with_its_refusals_shown_on_their_case(t: &TestApp) {
    use homeward_service::imports::{log, log_entry, of_case};
    let (caller, a, _, _) = setup(t).await;
    let rows = [("l1", a.as_str(), "baseline", "yes", "ok"), ("l2", a.as_str(), "midline", "yes", "ok")];
    let export = read(kobo(&rows).as_bytes(), t.services.scorer.instrument()).unwrap();
    let origin = Origin { source: export.source, file_name: Some("kobo.csv") };
    import_surveys(&t.services, &caller, origin, export.items(), true, Listed::Every).await.unwrap();
    assert!(log(&t.services, &caller).await.unwrap().is_empty(), "a dry run is not logged");
    let report = import_surveys(&t.services, &caller, origin, export.items(), false, Listed::Every).await.unwrap();
    let import_id = report.import_id.clone().unwrap();

    let imports = log(&t.services, &caller).await.unwrap();
    assert_eq!(imports.len(), 1);
    let i = &imports[0];
    assert_eq!(
        (i.id.as_str(), i.file_name.as_deref(), i.source.as_str()),
        (import_id.as_str(), Some("kobo.csv"), "kobo")
    );
    assert_eq!((i.created, i.already_imported, i.changed, i.refused), (1, 0, 0, 1));
    let (_, lines) = log_entry(&t.services, &caller, &import_id).await.unwrap();
    assert_eq!(lines.len(), 1, "only the row not stored");
    assert_eq!((lines[0].row, lines[0].outcome.as_str(), lines[0].column.as_deref()), (3, "refused", Some("round")));

    let case = {
        let mut conn = t.store.read().await.unwrap();
        homeward_store::query::cases::by_numbers(&mut conn, &[a.as_str()]).await.unwrap().remove(0)
    };
    let seen = of_case(&t.services, &caller, &case.id).await.unwrap();
    assert_eq!(seen.submissions.len(), 1);
    assert_eq!((seen.submissions[0].instance_id.as_str(), seen.submissions[0].source.as_str()), ("l1", "kobo"));
    assert_eq!(seen.refused.len(), 1);
    assert!(seen.refused[0].1.reason.as_deref().unwrap().contains("'midline' is not a round"));

    let thies = t.user("thies_c", "counsellor", Some("thies"), "").await;
    let thies = homeward_service::session::authenticate(&t.services, &thies, "test").await.unwrap();
    assert!(log(&t.services, &thies).await.unwrap().is_empty(), "someone else's import is not listed");
    assert!(matches!(log_entry(&t.services, &thies, &import_id).await, Err(homeward_service::ServiceError::NotFound)));
    assert!(of_case(&t.services, &thies, &case.id).await.is_err(), "another office's case");
    let root = t.admin().await;
    let admin = homeward_service::session::authenticate(&t.services, &root, "test").await.unwrap();
    assert_eq!(log(&t.services, &admin).await.unwrap().len(), 1, "the audit reader sees every import");
}

/// Forty surveys with varied answers (every choice of every question met, dk and dwa included,
/// skip logic kept, Q8 as 1/0 columns, an ODK Central export for half), imported; then the same
/// answers scored by the batch scorer (`homeward rss score`'s engine, from its CSV contract):
/// every stored score, dimension and status is the batch scorer's.
async fn every_stored_score_is_the_batch_scorers(t: &TestApp) {
    let (caller, a, b, _) = setup(t).await;
    let instrument = t.services.scorer.instrument();
    let asked: Vec<&homeward_rss::instrument::Question> =
        instrument.questions.iter().filter(|q| !q.choices.is_empty()).collect();
    // Answers of survey `i`: the n-th choice of each question, n varying with i and the question;
    // a gated question answered only when its gate holds.
    let answers = |i: usize| -> Vec<(String, String)> {
        let mut chosen: Vec<(String, String)> = Vec::new();
        for (k, q) in asked.iter().enumerate() {
            if let Some(gate) = &q.relevant {
                let gate_q = &instrument.questions[gate.question];
                let holds = chosen.iter().any(|(id, a)| *id == gate_q.id && *a == gate_q.choices[gate.choice].code);
                if !holds {
                    continue;
                }
            }
            let choice = &q.choices[(i * 3 + k * 5) % q.choices.len()];
            chosen.push((q.id.clone(), choice.code.clone()));
        }
        chosen
    };
    let q8 = instrument.question_index("Q8").unwrap();
    let q8_codes: Vec<&str> = instrument.questions[q8].choices.iter().map(|c| c.code.as_str()).collect();
    let mut kobo = String::from("_uuid;profile/case_id;profile/round;profile/interview_date;consent");
    for q in &asked {
        if q.id == "Q8" {
            for code in &q8_codes {
                kobo.push_str(&format!(";economic/Q8/{code}"));
            }
        } else {
            kobo.push_str(&format!(";grp/{}", q.id));
        }
    }
    kobo.push('\n');
    let mut central = String::from("KEY,profile-case_id,profile-round,profile-interview_date,consent");
    for q in &asked {
        central.push_str(&format!(",grp-{}", q.id));
    }
    central.push('\n');
    let mut batch = String::from("survey_id,consent");
    for q in &instrument.questions {
        batch.push_str(&format!(",{}", q.id));
    }
    batch.push('\n');
    for i in 0..40 {
        let chosen = answers(i);
        let consent = if i % 13 == 5 { "no" } else { "yes" };
        let case = if i % 2 == 0 { &a } else { &b };
        let cell = |id: &str| chosen.iter().find(|(q, _)| q == id).map(|(_, a)| a.clone()).unwrap_or_default();
        if i < 20 {
            kobo.push_str(&format!("v{i};{case};ad_hoc;2026-03-{:02};{consent}", 1 + i % 28));
            for q in &asked {
                if q.id == "Q8" {
                    for code in &q8_codes {
                        kobo.push_str(if cell("Q8") == *code { ";1" } else { ";0" });
                    }
                } else {
                    kobo.push_str(&format!(";{}", cell(&q.id)));
                }
            }
            kobo.push('\n');
        } else {
            central.push_str(&format!("uuid:v{i},{case},ad_hoc,2026-03-{:02},{consent}", 1 + i % 28));
            for q in &asked {
                central.push_str(&format!(",{}", cell(&q.id)));
            }
            central.push('\n');
        }
        batch.push_str(&format!("v{i},{consent}"));
        for q in &instrument.questions {
            batch.push_str(&format!(",{}", cell(&q.id)));
        }
        batch.push('\n');
    }
    for file in [&kobo, &central] {
        let export = read(file.as_bytes(), instrument).unwrap();
        assert_eq!(export.problems, vec![]);
        let origin = Origin { source: export.source, file_name: None };
        let report = import_surveys(&t.services, &caller, origin, export.items(), false, Listed::Every).await.unwrap();
        let refused: Vec<_> = report.rows.iter().filter(|r| r.outcome != Outcome::Created).collect();
        assert!(refused.is_empty(), "{refused:?}");
    }

    let mut scored = Vec::new();
    homeward_rss_batch::score_csv(&t.services.scorer, batch.as_bytes(), &mut scored, &Default::default()).unwrap();
    let mut expected = csv::Reader::from_reader(scored.as_slice());
    let columns = expected.headers().unwrap().clone();
    let at = |name: &str| columns.iter().position(|c| c == name).unwrap();
    let mut conn = t.store.read().await.unwrap();
    let mut compared = 0;
    for row in expected.records() {
        let row = row.unwrap();
        let instance = &row[at("survey_id")];
        let case = if instance[1..].parse::<usize>().unwrap() % 2 == 0 { &a } else { &b };
        let case = homeward_store::query::cases::by_numbers(&mut conn, &[case.as_str()]).await.unwrap().remove(0);
        let submissions = homeward_store::query::imports::submissions_of_case(&mut conn, &case.id).await.unwrap();
        let survey_id = submissions.iter().find(|m| m.instance_id == instance).unwrap().survey_id.clone();
        let stored = homeward_store::query::surveys::get(&mut conn, &case.id, &survey_id).await.unwrap().unwrap();
        let result = &stored.1[0];
        assert_eq!(result.status.to_string(), row[at("status")], "{instance}");
        let number = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
        let theirs = |name: &str| row[at(name)].parse::<f64>().ok().map(|v| format!("{v:.6}")).unwrap_or_default();
        assert_eq!(number(result.composite), theirs("composite"), "{instance} composite");
        assert_eq!(number(result.economic), theirs("economic"), "{instance} economic");
        assert_eq!(number(result.social), theirs("social"), "{instance} social");
        assert_eq!(number(result.psychosocial), theirs("psychosocial"), "{instance} psychosocial");
        compared += 1;
    }
    assert_eq!(compared, 40);
}

/// A file longer than a chunk (1,000 rows): a repeat in a later chunk is found whether the
/// earlier row was stored (a real run) or only would have been (a dry run), and the command
/// line's report lists only the rows to read while counting all of them.
async fn a_long_file_finds_its_repeats_across_chunks_and_lists_only_what_to_read(t: &TestApp) {
    let (caller, a, _, c) = setup(t).await;
    let best_q1 = homeward_test_support::BEST_ANSWERS.iter().find(|(q, _)| *q == "Q1").unwrap().1;
    let ids: Vec<String> = (0..2500).map(|i| format!("n{i}")).collect();
    let mut rows: Vec<(&str, &str, &str, &str, &str)> =
        ids.iter().map(|i| (i.as_str(), a.as_str(), "ad_hoc", "yes", best_q1)).collect();
    rows.push(("n10", a.as_str(), "ad_hoc", "yes", best_q1));
    rows.push(("n20", a.as_str(), "ad_hoc", "yes", "ok"));
    rows.push(("x1", c.as_str(), "ad_hoc", "yes", best_q1));
    let export = read(kobo(&rows).as_bytes(), t.services.scorer.instrument()).unwrap();
    let origin = Origin { source: export.source, file_name: None };
    let counts = OutcomeCounts { created: 2500, already_imported: 1, changed_resubmission: 1, refused: 1 };
    let listed = [(2503, Outcome::ChangedResubmission), (2504, Outcome::Refused)];
    for dry_run in [true, false] {
        let report =
            import_surveys(&t.services, &caller, origin, export.items(), dry_run, Listed::WorthReading).await.unwrap();
        assert_eq!(report.counts, counts, "dry run: {dry_run}");
        let shown: Vec<(usize, Outcome)> = report.rows.iter().map(|r| (r.row, r.outcome)).collect();
        assert_eq!(shown, listed, "dry run: {dry_run}");
    }
    assert_eq!(t.count("surveys").await, 2500);
    let again = import(t, &caller, &export, false).await;
    assert_eq!(again.counts, OutcomeCounts { created: 0, already_imported: 2501, ..counts });
    assert_eq!(again.rows.len(), rows.len(), "every row listed");
}
