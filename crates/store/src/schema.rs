//! The database's schema as the database itself reports it: tables, columns, CHECK constraints and
//! indexes, in one shape for both backends, so a test can tell that the SQLite and PostgreSQL
//! migrations describe the same database, and that the allowed values of each state column are
//! the names the code knows.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;

use crate::{Backend, Result, Store};

/// A column: its name, its kind of value and whether it may be empty.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    /// `text`, `integer` or `real`, whatever each backend calls it.
    pub kind: &'static str,
    pub not_null: bool,
}

/// A CHECK constraint, read as the column it constrains and the values it allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Check {
    pub column: String,
    pub values: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub checks: BTreeSet<Check>,
    /// Indexes created by the migrations (not those backing a primary key or UNIQUE).
    pub indexes: BTreeSet<String>,
}

pub type Schema = BTreeMap<String, Table>;

impl Store {
    /// The schema of Homeward's tables (the migrations' bookkeeping table left out).
    pub async fn schema(&self) -> Result<Schema> {
        let mut conn = self.read().await?;
        let mut schema = Schema::new();
        match self.backend {
            Backend::Sqlite => {
                let tables = sqlx::query(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                     AND name <> 'schema_migrations'",
                )
                .fetch_all(&mut *conn)
                .await?;
                for t in tables {
                    let name: String = t.try_get(0)?;
                    let sql: String = t.try_get(1)?;
                    let mut table = Table { checks: checks_in(&sql), ..Table::default() };
                    let columns =
                        sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid")
                            .bind(&name)
                            .fetch_all(&mut *conn)
                            .await?;
                    for c in columns {
                        let declared: String = c.try_get(1)?;
                        // A primary key is never empty, whatever SQLite would let through.
                        let not_null = c.try_get::<i64, _>(2)? != 0 || c.try_get::<i64, _>(3)? != 0;
                        table.columns.push(Column { name: c.try_get(0)?, kind: kind(&declared), not_null });
                    }
                    let indexes = sqlx::query(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
                    )
                    .bind(&name)
                    .fetch_all(&mut *conn)
                    .await?;
                    table.indexes = indexes.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
                    schema.insert(name, table);
                }
            }
            Backend::Postgres => {
                let columns = sqlx::query(
                    "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
                     FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations' \
                     ORDER BY table_name, ordinal_position",
                )
                .fetch_all(&mut *conn)
                .await?;
                for c in columns {
                    let table = schema.entry(c.try_get(0)?).or_default();
                    let declared: String = c.try_get(2)?;
                    let nullable: String = c.try_get(3)?;
                    table.columns.push(Column {
                        name: c.try_get(1)?,
                        kind: kind(&declared),
                        not_null: nullable == "NO",
                    });
                }
                let checks = sqlx::query(
                    "SELECT r.relname::text, pg_get_constraintdef(k.oid) FROM pg_constraint k \
                     JOIN pg_class r ON r.oid = k.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace \
                     WHERE k.contype = 'c' AND n.nspname = 'public'",
                )
                .fetch_all(&mut *conn)
                .await?;
                for c in checks {
                    let name: String = c.try_get(0)?;
                    let definition: String = c.try_get(1)?;
                    if let Some(table) = schema.get_mut(&name) {
                        table.checks.extend(check(&definition));
                    }
                }
                let indexes = sqlx::query(
                    "SELECT i.tablename::text, i.indexname::text FROM pg_indexes i WHERE i.schemaname = 'public' \
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
                )
                .fetch_all(&mut *conn)
                .await?;
                for i in indexes {
                    let name: String = i.try_get(0)?;
                    if let Some(table) = schema.get_mut(&name) {
                        table.indexes.insert(i.try_get(1)?);
                    }
                }
            }
        }
        Ok(schema)
    }
}

/// The kind of value a declared type holds.
fn kind(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    if declared.contains("int") {
        "integer"
    } else if declared.contains("real") || declared.contains("double") || declared.contains("numeric") {
        "real"
    } else {
        "text"
    }
}

/// The CHECK constraints of a SQLite `CREATE TABLE` statement.
fn checks_in(sql: &str) -> BTreeSet<Check> {
    let mut found = BTreeSet::new();
    let mut rest = sql;
    while let Some(at) = rest.find("CHECK (") {
        let body = &rest[at + "CHECK ".len()..];
        let mut depth = 0;
        let end = body
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(body.len(), |(i, _)| i + 1);
        found.extend(check(&body[..end]));
        rest = &body[end..];
    }
    found
}

/// A CHECK expression as its column and allowed values: `status IN ('a', 'b')`, `id = 1`, or
/// PostgreSQL's rendering of them (`((status = ANY (ARRAY['a'::text, 'b'::text])))`).
fn check(expression: &str) -> Option<Check> {
    let text = expression.trim_start_matches("CHECK").trim().trim_start_matches('(');
    let column: String =
        text.trim_start_matches('(').chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if column.is_empty() {
        return None;
    }
    let after = &text[text.find(&column)? + column.len()..];
    let mut values = BTreeSet::new();
    let mut chars = after.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            let value: String = chars.by_ref().take_while(|c| *c != '\'').collect();
            values.insert(value);
        } else if c.is_ascii_digit() {
            let mut number = c.to_string();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                number.push(*d);
                chars.next();
            }
            values.insert(number);
        }
    }
    Some(Check { column, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn checks_read_the_same_from_either_backends_rendering() {
        let sqlite = "CREATE TABLE t (status TEXT, CONSTRAINT t_status_check CHECK (status IN ('a', 'b_c')), \
                      id INTEGER CHECK (id = 1))";
        let found = checks_in(sqlite);
        assert_eq!(
            found,
            [
                Check { column: "id".into(), values: values(&["1"]) },
                Check { column: "status".into(), values: values(&["a", "b_c"]) }
            ]
            .into_iter()
            .collect()
        );
        let postgres = "CHECK ((status = ANY (ARRAY['a'::text, 'b_c'::text])))";
        assert_eq!(check(postgres), Some(Check { column: "status".into(), values: values(&["a", "b_c"]) }));
        assert_eq!(check("CHECK ((id = 1))"), Some(Check { column: "id".into(), values: values(&["1"]) }));
        assert_eq!(
            check("CHECK ((disabled = ANY (ARRAY[(0)::bigint, (1)::bigint])))").unwrap().values,
            values(&["0", "1"])
        );
    }
}
