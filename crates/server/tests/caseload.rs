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
    a_long_caseload_goes_out_row_by_row_and_finds_repeats_across_chunks,
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
    caseload::import(&t.services, caller, &source(caller, sheet), &options).await.unwrap()
}

/// The sheet, opened as often as the import reads it.
fn source<'a>(
    caller: &'a homeward_service::Caller,
    sheet: &'a str,
) -> impl Fn() -> homeward_service::Result<caseload::Reader> + Send + Sync + 'a {
    move || caseload::open(caller, homeward_tables::open(sheet.as_bytes()).unwrap(), None)
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
    t.settle().await;
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
    t.settle().await;
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
    let refused = caseload::import(&t.services, &me, &source(&me, sheet), &CaseloadOptions::default()).await;
    assert!(matches!(refused, Err(homeward_service::ServiceError::Forbidden(_))), "{refused:?}");
}

/// A name no other row of [`long_sheet`] sounds like: syllables of consonants the phonetic key
/// keeps apart.
fn distinct_name(i: usize) -> String {
    let syllable = |d: usize| format!("{}a", ['b', 'd', 'f', 'g', 'j', 'l', 'm', 'n', 'p', 'r'][d % 10]);
    let name: String = [i / 1000, i / 100, i / 10, i].iter().map(|d| syllable(*d)).collect();
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// 2,500 rows (three chunks of a thousand): row 2 may be the existing Awa Ba, row 1502 (second chunk) repeats
/// row 3, row 2501 is refused; every other row is a new person.
fn long_sheet() -> String {
    let mut sheet = String::from("given name,family name,sex,date of birth,date of return,country\n");
    sheet.push_str("Awa,Ba,female,1994-03-12,2026-01-05,SN\n");
    for row in 3..=2501 {
        let (given, sex) = match row {
            1502 => (distinct_name(3), "male"),
            2501 => (distinct_name(row), "unknown"),
            _ => (distinct_name(row), "male"),
        };
        sheet.push_str(&format!("{given},Kane,{sex},1990-01-01,2026-01-05,SN\n"));
    }
    sheet
}

/// How often a case was shown as a possible duplicate, by its log.
async fn shown_as_duplicate(t: &TestApp, case_id: &str) -> usize {
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, case_id, 1000).await.unwrap();
    log.iter().filter(|e| e.entry.action == "read" && e.entry.fields.contains("duplicate_check")).count()
}

async fn a_long_caseload_goes_out_row_by_row_and_finds_repeats_across_chunks(t: &TestApp) {
    let caller = case_manager(t).await;
    let awa = t.count("cases").await;
    let sheet = long_sheet();
    let streamed = |options: CaseloadOptions| {
        let (sheet, caller) = (&sheet, &caller);
        async move {
            let source = source(caller, sheet);
            let mut rows = Vec::new();
            let summary =
                caseload::import_streamed(&t.services, caller, &source, &options, &mut |r| rows.push(r)).await.unwrap();
            (summary, rows)
        }
    };
    let expected = caseload::CaseloadCounts { created: 2497, possible_duplicate: 2, refused: 1 };

    let (dry, rows) = streamed(CaseloadOptions { dry_run: true, ..Default::default() }).await;
    assert_eq!(dry.counts, expected);
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), (2..=2501).collect::<Vec<_>>(), "in file order");
    assert_eq!(rows[1500].same_as_row, Some(3), "a repeat of a row of the first chunk, found in the second");
    assert_eq!(rows[2499].outcome, Outcome::Refused);
    let existing = rows[0].duplicates[0].case_id.clone();
    assert_eq!(shown_as_duplicate(t, &existing).await, 1, "a dry run's duplicate shown is audited");

    // All or nothing: the refused row is the file's last, yet no chunk before it was kept.
    let (none, rows) = streamed(CaseloadOptions::default()).await;
    assert_eq!((none.counts, none.stored), (expected, false));
    assert_eq!(t.count("cases").await, awa, "nothing is created while a row is refused");
    assert!(rows.iter().all(|r| r.case_number.is_none()), "no case number is given that does not exist");
    assert_eq!(shown_as_duplicate(t, &existing).await, 2);

    let (real, rows) = streamed(CaseloadOptions { partial: true, ..Default::default() }).await;
    assert_eq!(real.counts, expected);
    assert!(real.stored);
    assert_eq!(t.count("cases").await, awa + 2497);
    assert_eq!(rows[1500].same_as_row, Some(3));
    assert!(
        rows[1500].duplicates.is_empty(),
        "the case row 3 created is not shown as an existing case: {:?}",
        rows[1500].duplicates
    );
    assert!(rows[1].case_number.is_some() && rows[2498].case_number.is_some());
    assert_eq!(shown_as_duplicate(t, &existing).await, 3, "audited once its chunk is committed");
}
