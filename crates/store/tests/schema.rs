//! The two migration sets describe one database: after migrating, SQLite and PostgreSQL report the
//! same tables, columns (kind and nullability), CHECK constraints and indexes. A column or a
//! constraint added to one set only fails here.

use homeward_store::Store;
use homeward_store::schema::Schema;

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("schema.db").display())).await.unwrap();
    let schema = store.schema().await.unwrap();
    store.close().await;
    schema
}

#[tokio::test]
async fn sqlite_and_postgres_migrate_to_the_same_schema() {
    let sqlite = sqlite_schema().await;
    assert!(sqlite.len() >= 12, "{:?}", sqlite.keys());
    assert!(
        sqlite["cases"].checks.iter().any(|c| c.column == "status" && c.values.contains("intake")),
        "{:?}",
        sqlite["cases"].checks
    );
    let mut postgres = None;
    let read = &mut postgres;
    homeward_store::on_scratch_postgres("hw_schema", |store| async move {
        *read = Some(store.schema().await.unwrap());
        store.close().await;
    })
    .await;
    let Some(postgres) = postgres else { return };

    assert_eq!(sqlite.keys().collect::<Vec<_>>(), postgres.keys().collect::<Vec<_>>(), "tables");
    for (table, ours) in &sqlite {
        let theirs = &postgres[table];
        assert_eq!(ours.columns, theirs.columns, "columns of {table}");
        assert_eq!(ours.checks, theirs.checks, "CHECK constraints of {table}");
        assert_eq!(ours.indexes, theirs.indexes, "indexes of {table}");
    }
}

#[tokio::test]
async fn a_state_the_code_does_not_know_is_refused_by_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("checks.db").display())).await.unwrap();
    let insert = |status: &str| {
        format!(
            "INSERT INTO cases (id, case_number, office, status, case_manager, given_name, family_name, sex, \
             date_of_birth, date_of_return, country_of_origin, profile, schedule, version, created_at, created_by, updated_at, \
             age_at_return) \
             VALUES ('{status}', 'HW-{status}', 'dakar', '{status}', 'm', 'A', 'B', 'female', '1990-01-01', '2026-01-01', \
             'SN', '{{}}', 'standard', 1, 'now', 'm', 'now', 36)"
        )
    };
    store.execute_admin(&insert("intake")).await.unwrap();
    let refused = store.execute_admin(&insert("lost")).await.unwrap_err().to_string();
    assert!(refused.contains("CHECK constraint failed"), "{refused}");
    assert_eq!(store.count_rows("cases").await.unwrap(), 1);
    store.close().await;
}
