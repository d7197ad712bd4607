//! The SQLite Homeward is built with (bundled by libsqlite3-sys, options in `.cargo/config.toml`)
//! lets reading connections run side by side: no lock is shared by all of them on every
//! allocation or page read. Each of these cost a tenth of the server's time in contention when
//! 64 clients listed cases (issue 18).

use homeward_store::Store;
use sqlx::Row;

async fn compile_options() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("options.db").display())).await.unwrap();
    let mut conn = store.read().await.unwrap();
    let rows = sqlx::query("PRAGMA compile_options").fetch_all(&mut *conn).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

#[tokio::test]
async fn sqlite_keeps_no_global_memory_counter_nor_one_page_cache_for_all_connections() {
    let options = compile_options().await;
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "every allocation would take one global lock (LIBSQLITE3_FLAGS in .cargo/config.toml): {options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "all connections would share one page cache behind one lock: {options:?}"
    );
    assert!(options.iter().any(|o| o == "THREADSAFE=1"), "connections are used from many threads: {options:?}");
}
