//! Connections to PostgreSQL that the server dropped (a restart, a failover, an idle timeout on
//! the way) are replaced before a query uses them: an app server that was quiet a moment answers
//! its next request instead of failing it.

use homeward_store::{Options, Store};
use sqlx::Row;

async fn backend_pid(store: &Store) -> i32 {
    let mut conn = store.read().await.unwrap();
    sqlx::query("SELECT pg_backend_pid()").fetch_one(&mut *conn).await.unwrap().get::<i32, _>(0)
}

#[tokio::test]
async fn a_connection_the_server_dropped_while_it_was_idle_is_replaced_before_use() {
    let Some(admin) = homeward_test_support::postgres_admin() else { return };
    let store = Store::connect_with(&admin, &Options { pool_size: Some(1) }).await.unwrap();
    let pid = backend_pid(&store).await;

    let other = Store::connect_with(&admin, &Options { pool_size: Some(1) }).await.unwrap();
    let mut conn = other.read().await.unwrap();
    sqlx::query("SELECT pg_terminate_backend($1)").bind(pid).execute(&mut *conn).await.unwrap();
    drop(conn);
    // Idle longer than a connection is trusted without a check.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let replaced = backend_pid(&store).await;
    assert_ne!(replaced, pid, "the one connection of the pool was opened anew");
    store.close().await;
    other.close().await;
}
