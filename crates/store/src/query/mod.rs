//! All the SQL, one module per family of tables. Every function takes a connection or a
//! transaction: the caller decides what commits together.

pub mod cases;
pub mod facts;
pub mod grants;
pub mod idempotency;
pub mod plans;
pub mod providers;
pub mod records;
pub mod referrals;
pub mod surveys;
pub mod users;

/// Ids per `IN (...)` list: well under SQLite's and PostgreSQL's limits on bound parameters.
const IDS_PER_QUERY: usize = 500;

/// Runs `select` (SQL ending in `IN (` with the placeholders and `)` to come) over `ids` in
/// chunks, one query per chunk, and collects the rows made by `row`: what many cases hold, read
/// with a few queries instead of one per case.
pub(crate) async fn rows_for_ids<T>(
    conn: &mut sqlx::AnyConnection,
    select: &str,
    ids: &[&str],
    row: impl Fn(&sqlx::any::AnyRow) -> crate::Result<T>,
) -> crate::Result<Vec<T>> {
    let mut all = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let placeholders = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("{select}{placeholders})");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            all.push(row(&r)?);
        }
    }
    Ok(all)
}

/// A page of results and the cursor for the next one (keyset pagination on ids, which are
/// time-ordered UUIDv7s: stable under inserts, and as fast on page 1000 as on page 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` fetched with `limit + 1`: the extra row only says whether there is a next page.
    pub(crate) fn from_rows(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> &str) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        let next_cursor = if more { rows.last().map(|r| id(r).to_string()) } else { None };
        Page { items: rows, next_cursor }
    }
}
