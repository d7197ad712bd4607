//! How many cases hold each search term, as a search counts them to choose the word it reads
//! first (`cases::list`), kept for a minute. Which word of a name is rarest changes slowly, and
//! counting was a sixth of a name search's time in PostgreSQL at a million cases (a round trip
//! and two index scans before the search itself), spent again on the same common given names.
//!
//! Only the order in which a search reads its words depends on a count, never what it finds: a
//! count a minute old, or one from another database sealed under the same key (the terms are
//! keyed hashes, so no two databases' terms meet otherwise), costs time at worst.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Row};

use crate::Result;

/// How long a count is used before it is read again.
const KEPT_FOR: Duration = Duration::from_secs(60);

/// The most counts kept; past it the memory is emptied and filled again (a few megabytes).
const MOST_KEPT: usize = 100_000;

/// Counts by term hash and the cap they were counted up to, with when they were read.
type Counted = HashMap<(String, i64), (i64, Instant)>;

fn counted() -> &'static Mutex<Counted> {
    static COUNTED: OnceLock<Mutex<Counted>> = OnceLock::new();
    COUNTED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// How many cases hold each term hash, each counted up to `cap`: from memory when counted in
/// the last minute, the others in one query (a round trip per word cost as much as counting).
pub(crate) async fn term_matches(conn: &mut AnyConnection, hashes: &[String], cap: i64) -> Result<Vec<i64>> {
    let now = Instant::now();
    let mut counts: Vec<Option<i64>> = {
        let kept = counted().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        hashes
            .iter()
            .map(|hash| kept.get(&(hash.clone(), cap)).filter(|(_, at)| now - *at < KEPT_FOR).map(|(count, _)| *count))
            .collect()
    };
    let missing: Vec<usize> = (0..hashes.len()).filter(|&i| counts[i].is_none()).collect();
    if !missing.is_empty() {
        let read = count(conn, missing.iter().map(|&i| hashes[i].as_str()), cap).await?;
        let mut kept = counted().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() + missing.len() > MOST_KEPT {
            kept.clear();
        }
        for (&i, n) in missing.iter().zip(read) {
            counts[i] = Some(n);
            kept.insert((hashes[i].clone(), cap), (n, now));
        }
    }
    Ok(counts.into_iter().map(|n| n.unwrap_or_default()).collect())
}

/// Counts each of `hashes` up to `cap`, in one query.
async fn count<'a>(conn: &mut AnyConnection, hashes: impl Iterator<Item = &'a str>, cap: i64) -> Result<Vec<i64>> {
    let hashes: Vec<&str> = hashes.collect();
    let counts: Vec<String> = (1..=hashes.len())
        .map(|n| format!("(SELECT COUNT(*) FROM (SELECT 1 FROM case_terms WHERE term = ${n} LIMIT {cap}) m{n})"))
        .collect();
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {}", counts.join(", "))));
    for hash in &hashes {
        q = q.bind(*hash);
    }
    let r = q.fetch_one(&mut *conn).await?;
    (0..hashes.len()).map(|i| Ok(r.try_get::<i64, _>(i)?)).collect()
}
