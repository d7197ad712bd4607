//! All the SQL, one module per family of tables. Every function takes a connection or a
//! transaction: the caller decides what commits together.

pub mod cases;
pub mod communities;
pub mod documents;
pub mod facts;
pub mod grants;
pub mod handovers;
pub mod idempotency;
pub mod imports;
pub mod mentoring;
pub mod offices;
pub mod plans;
pub mod providers;
pub mod records;
pub mod referrals;
pub mod retention;
pub mod sealing;
pub mod structures;
pub mod surveys;
mod term_counts;
pub mod users;

/// Ids per `IN (...)` list: well under SQLite's and PostgreSQL's limits on bound parameters.
pub(crate) const IDS_PER_QUERY: usize = 500;

/// Placeholder number `n` for a statement on `conn`. SQLite gets anonymous `?`s (numbered by
/// position, so they must come in order): sqlx-sqlite looks every numbered parameter up by name
/// in a list as long as the statement's parameters, which made binding cost the square of their
/// number; PostgreSQL needs `$n`.
pub(crate) fn placeholder(sqlite: bool, n: usize) -> String {
    if sqlite { "?".to_string() } else { format!("${n}") }
}

/// Placeholders `first` to `first + count - 1`, comma-separated: an `IN (...)` list, or a row
/// of a multi-row `VALUES`.
pub(crate) fn placeholders(sqlite: bool, first: usize, count: usize) -> String {
    (first..first + count).map(|n| placeholder(sqlite, n)).collect::<Vec<_>>().join(", ")
}

/// Whether `conn` is to SQLite (see [`placeholder`]).
pub(crate) fn is_sqlite(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}

/// Runs `select` (SQL ending in `IN (` with the placeholders and `)` to come) over `ids` in
/// chunks, one query per chunk, and collects the rows made by `row`: what many cases hold, read
/// with a few queries instead of one per case. The ids are text ids or integer search terms.
pub(crate) async fn rows_for_ids<'i, T, Id>(
    conn: &mut sqlx::AnyConnection,
    select: &str,
    ids: &'i [Id],
    row: impl Fn(&sqlx::any::AnyRow) -> crate::Result<T>,
) -> crate::Result<Vec<T>>
where
    Id: Copy + Send + Sync + sqlx::Encode<'i, sqlx::Any> + sqlx::Type<sqlx::Any> + 'i,
{
    let mut all = Vec::new();
    let sqlite = is_sqlite(conn);
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let sql = format!("{select}{})", placeholders(sqlite, 1, chunk.len()));
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

/// A statement with its parameters being bound.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Parameters per multi-row INSERT: a few hundred, well under both databases' limits.
const PARAMETERS_PER_INSERT: usize = 384;

/// Inserts `rows` into `into` (`table (column, ...)`, `width` columns), many rows per statement,
/// each row's values bound by `bind` in the columns' order: an import's thousand surveys in a few
/// dozen statements instead of a thousand.
pub(crate) async fn insert_rows<T>(
    tx: &mut crate::Tx,
    into: &str,
    width: usize,
    rows: &[T],
    bind: for<'q> fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> crate::Result<()> {
    let sqlite = is_sqlite(tx);
    for chunk in rows.chunks((PARAMETERS_PER_INSERT / width).max(1)) {
        let values: Vec<String> =
            (0..chunk.len()).map(|r| format!("({})", placeholders(sqlite, r * width + 1, width))).collect();
        let sql = format!("INSERT INTO {into} VALUES {}", values.join(", "));
        // Prepared afresh each time, not kept: PostgreSQL keeps a prepared statement's parameter
        // types from its first use, and sqlx-any types a missing f64 as a float4, so a kept
        // statement first run with a missing score refused a real one later ("incorrect binary
        // data format"). Many-row statements vary with their row count anyway.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for row in chunk {
            q = bind(q, row);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
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
