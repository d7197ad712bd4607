//! A caseload kept in a spreadsheet, imported as cases: a dry run first, then for real; all or
//! nothing unless partial; possible duplicates not created unless confirmed; the registration's
//! rules and audit for every row. Every scenario runs on SQLite and on PostgreSQL.

mod support;

use homeward_service::caseload::{self, CaseloadOptions, CaseloadReport, Outcome};
use support::TestApp;

on_both_backends!(
    a_caseload_is_dry_run_then_imported_all_or_nothing_or_partially,
    a_possible_duplicate_is_created_only_when_confirmed_another_person,
    each_row_is_held_to_the_callers_office_and_without_an_office_column_takes_it,
);

/// Good rows (2, 3), a refused row (4), a possible duplicate of the existing case Awa Ba (5), and
/// a row with the names of row 2 (6).
const SHEET: &str = "Prénom;Nom;Sexe;Date de naissance;Date de retour;Pays d'origine;Bureau;Téléphone\n\
                     Aminata;Diallo;F;12/03/1994;01/02/2026;Sénégal;dakar;+221 77 000 00 00\n\
                     Moussa;Sow;Homme;1990-07-01;2026-02-10;SN;dakar;\n\
                     Fatou;;X;31/02/1990;2020-01-01;Atlantis;dakar;\n\
                     Awa;Ba;F;1994-03-12;2026-02-01;SN;dakar;\n\
                     Aminata;Dialo;F;12/03/1994;01/02/2026;SN;dakar;\n";

async fn case_manager(t: &TestApp) -> homeward_service::Caller {
    let root = t.admin().await;
    t.register(&root, "Awa", "Ba", "dakar").await;
    let token = t.user("cm_dakar", "case_manager", Some("dakar"), "").await;
    homeward_service::session::authenticate(&t.services, &token, "test").await.unwrap()
}

async fn import(
    t: &TestApp,
    caller: &homeward_service::Caller,
    sheet: &str,
    options: CaseloadOptions,
) -> CaseloadReport {
    let table = homeward_tables::open(sheet.as_bytes().to_vec()).unwrap();
    let reader = caseload::open(caller, table, None).unwrap();
    caseload::import(&t.services, caller, reader, &options).await.unwrap()
}

/// Each row as (row, outcome).
fn outcomes(report: &CaseloadReport) -> Vec<(usize, Outcome)> {
    report.rows.iter().map(|r| (r.row, r.outcome)).collect()
}

async fn a_caseload_is_dry_run_then_imported_all_or_nothing_or_partially(t: &TestApp) {
    let caller = case_manager(t).await;
    let (cases, audit) = (t.count("cases").await, t.count("audit_log").await);
    let expected = [
        (2, Outcome::Created),
        (3, Outcome::Created),
        (4, Outcome::Refused),
        (5, Outcome::PossibleDuplicate),
        (6, Outcome::PossibleDuplicate),
    ];

    // The dry run: the report per row, nothing stored.
    let dry = import(t, &caller, SHEET, CaseloadOptions { dry_run: true, ..Default::default() }).await;
    assert_eq!(outcomes(&dry), expected);
    assert!(!dry.stored);
    assert_eq!(t.count("cases").await, cases, "a dry run creates nothing");
    let refused: Vec<(&str, &str, &str)> = dry.rows[2]
        .problems
        .iter()
        .map(|p| (p.column.as_str(), p.problem.field.as_str(), p.problem.code.as_str()))
        .collect();
    assert_eq!(
        refused,
        [
            ("Nom", "family_name", "required"),
            ("Sexe", "sex", "not_one_of_named"),
            ("Date de naissance", "date_of_birth", "not_a_spreadsheet_date"),
            ("Pays d'origine", "country_of_origin", "not_a_country"),
        ]
    );
    assert_eq!(dry.rows[3].duplicates.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["Awa Ba"]);
    assert_eq!(dry.rows[3].duplicates[0].matches, ["date_of_birth", "sex", "country_of_origin"]);
    assert_eq!(dry.rows[4].same_as_row, Some(2), "Dialo sounds as Diallo: the person of row 2");

    // All or nothing: a refused row, and no case is created.
    let all = import(t, &caller, SHEET, CaseloadOptions::default()).await;
    assert_eq!(outcomes(&all), expected, "the real run reports as its dry run");
    assert!(!all.stored);
    assert!(all.rows.iter().all(|r| r.case_number.is_none()));
    assert_eq!(t.count("cases").await, cases);

    // Partial: the good rows are created, with their fields, and audited.
    let partial = import(t, &caller, SHEET, CaseloadOptions { partial: true, ..Default::default() }).await;
    assert_eq!(outcomes(&partial), expected);
    assert!(partial.stored);
    assert_eq!(t.count("cases").await, cases + 2);
    let number = partial.rows[0].case_number.clone().expect("a case number");
    let page = homeward_service::cases::list(
        &t.services,
        &caller,
        serde_json::from_value(serde_json::json!({"q": number})).unwrap(),
    )
    .await
    .unwrap();
    let aminata = &page.items[0];
    assert_eq!((aminata.given_name.as_deref(), aminata.office.as_str()), (Some("Aminata"), "dakar"));
    let case = homeward_service::cases::read(&t.services, &caller, &aminata.id).await.unwrap();
    let json = serde_json::to_value(&case).unwrap();
    assert_eq!(json["date_of_birth"], "1994-03-12");
    assert_eq!(json["profile"]["contacts"], serde_json::json!(["+221 77 000 00 00"]));
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &aminata.id, 100).await.unwrap();
    drop(conn);
    assert!(log.iter().any(|e| e.entry.action == "create" && e.entry.actor == "cm_dakar"), "{log:?}");
    assert!(t.count("audit_log").await > audit + 2);

    // The same file again: every good row is now a possible duplicate; nothing is created twice.
    let again = import(t, &caller, SHEET, CaseloadOptions { partial: true, ..Default::default() }).await;
    assert_eq!(again.count(Outcome::Created), 0);
    assert_eq!(again.count(Outcome::PossibleDuplicate), 4);
    assert_eq!(t.count("cases").await, cases + 2);
}

async fn a_possible_duplicate_is_created_only_when_confirmed_another_person(t: &TestApp) {
    let caller = case_manager(t).await;
    let sheet = "given name,family name,sex,date of birth,date of return,country\n\
                 Awa,Ba,female,1980-01-01,2026-01-05,GN\n";
    let shown = import(t, &caller, sheet, CaseloadOptions::default()).await;
    assert_eq!(outcomes(&shown), [(2, Outcome::PossibleDuplicate)]);
    let existing = shown.rows[0].duplicates[0].case_id.clone();
    let options = CaseloadOptions { another_person: [2].into(), ..Default::default() };
    let confirmed = import(t, &caller, sheet, options).await;
    assert_eq!(outcomes(&confirmed), [(2, Outcome::Created)]);
    assert!(confirmed.rows[0].confirmed_another_person && confirmed.stored);
    let created = confirmed.rows[0].case_id.clone().unwrap();
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &created, 100).await.unwrap();
    assert!(
        log.iter().any(|e| e.entry.action == "confirm_not_duplicate" && e.entry.record_id == existing),
        "audited against the case shown: {log:?}"
    );
    let log = homeward_store::audit::for_case(&mut conn, &existing, 100).await.unwrap();
    assert!(log.iter().any(|e| e.entry.fields.contains("duplicate_check")), "shown, so read: {log:?}");
}

async fn each_row_is_held_to_the_callers_office_and_without_an_office_column_takes_it(t: &TestApp) {
    let caller = case_manager(t).await;
    let sheet = "given name;family name;sex;date of birth;date of return;country;office\n\
                 Ndeye;Faye;f;1991-05-05;2026-01-05;SN;thies\n\
                 Ousmane;Kane;m;1989-05-05;2026-01-05;SN;\n";
    let report = import(t, &caller, sheet, CaseloadOptions { partial: true, ..Default::default() }).await;
    assert_eq!(outcomes(&report), [(2, Outcome::Refused), (3, Outcome::Created)]);
    let problem = &report.rows[0].problems[0];
    assert_eq!((problem.column.as_str(), problem.problem.field.as_str()), ("office", "office"));
    assert!(problem.problem.message.contains("cannot register cases in 'thies'"), "{problem:?}");
    // A user without the permission to register cannot import either.
    let token = t.user("me_officer", "me_officer", None, "").await;
    let me = homeward_service::session::authenticate(&t.services, &token, "test").await.unwrap();
    let table = homeward_tables::open(sheet.as_bytes().to_vec()).unwrap();
    let reader = caseload::open(&me, table, None).unwrap();
    let refused = caseload::import(&t.services, &me, reader, &CaseloadOptions::default()).await;
    assert!(matches!(refused, Err(homeward_service::ServiceError::Forbidden(_))), "{refused:?}");
}
