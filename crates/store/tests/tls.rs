//! PostgreSQL over TLS, as managed PostgreSQL services require: `sslmode=require` encrypts,
//! `verify-full` with `sslrootcert` also checks the server's certificate and name, and a
//! certificate signed by another authority is refused.

use homeward_store::{Options, Store};
use sqlx::Row;

/// Whether the store's connection to PostgreSQL is encrypted.
async fn encrypted(store: &Store) -> bool {
    let mut conn = store.read().await.unwrap();
    let row = sqlx::query("SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    row.get::<i32, _>(0) == 1
}

#[tokio::test]
async fn postgres_is_reached_over_tls_with_the_servers_certificate_verified() {
    let Some(admin) = homeward_test_support::postgres_admin() else { return };
    let Some(ca) = homeward_test_support::postgres_tls_ca() else { return };
    // The certificate names localhost: verify-full checks the name too.
    let base = admin.replace("127.0.0.1", "localhost");
    let options = Options { pool_size: Some(2) };

    let plain = Store::connect_with(&format!("{base}?sslmode=disable"), &options).await.unwrap();
    assert!(!encrypted(&plain).await);
    plain.close().await;

    let required = Store::connect_with(&format!("{base}?sslmode=require"), &options).await.unwrap();
    assert!(encrypted(&required).await, "sslmode=require encrypts");
    required.close().await;

    let verified = format!("{base}?sslmode=verify-full&sslrootcert={}", ca.display());
    let verified = Store::connect_with(&verified, &options).await.unwrap();
    assert!(encrypted(&verified).await);
    verified.close().await;

    // The public authorities did not sign the test server's certificate: refused.
    let public = "/etc/ssl/certs/ca-certificates.crt";
    if std::path::Path::new(public).exists() {
        let wrong = format!("{base}?sslmode=verify-full&sslrootcert={public}");
        assert!(Store::connect_with(&wrong, &options).await.is_err(), "a certificate nobody trusted here");
    }
}
