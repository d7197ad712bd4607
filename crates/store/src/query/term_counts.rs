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

/// By term hash: how many cases hold it, counted up to what, and when.
type Counted = HashMap<i64, Count>;

#[derive(Debug, Clone, Copy)]
struct Count {
    cases: i64,
    cap: i64,
    at: Instant,
}

impl Count {
    /// The count up to `cap`, if this one says it: one below its own cap is exact, one that
    /// reached it says only that the term has at least that many.
    fn up_to(self, cap: i64) -> Option<i64> {
        (self.cases < self.cap || cap <= self.cap).then(|| self.cases.min(cap))
    }
}

fn counted() -> &'static Mutex<Counted> {
    static COUNTED: OnceLock<Mutex<Counted>> = OnceLock::new();
    COUNTED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// How many cases hold each term hash, each counted up to `cap`: from memory when counted in
/// the last minute, the others in one query (a round trip per word cost as much as counting).
pub(crate) async fn term_matches(conn: &mut AnyConnection, hashes: &[i64], cap: i64) -> Result<Vec<i64>> {
    let now = Instant::now();
    let mut counts: Vec<Option<i64>> = {
        let kept = counted().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        hashes.iter().map(|hash| kept.get(hash).filter(|c| now - c.at < KEPT_FOR).and_then(|c| c.up_to(cap))).collect()
    };
    let missing: Vec<usize> = (0..hashes.len()).filter(|&i| counts[i].is_none()).collect();
    if !missing.is_empty() {
        let read = count(conn, missing.iter().map(|&i| hashes[i]), cap).await?;
        let mut kept = counted().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() + missing.len() > MOST_KEPT {
            kept.clear();
        }
        for (&i, cases) in missing.iter().zip(read) {
            counts[i] = Some(cases);
            kept.insert(hashes[i], Count { cases, cap, at: now });
        }
    }
    Ok(counts.into_iter().map(|n| n.unwrap_or_default()).collect())
}

/// Counts each of `hashes` up to `cap`, in one query.
async fn count(conn: &mut AnyConnection, hashes: impl Iterator<Item = i64>, cap: i64) -> Result<Vec<i64>> {
    let hashes: Vec<i64> = hashes.collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn count(cases: i64, cap: i64) -> Count {
        Count { cases, cap, at: Instant::now() }
    }

    #[test]
    fn a_count_below_its_cap_is_exact_and_one_that_reached_it_answers_only_smaller_caps() {
        assert_eq!(count(40, 256).up_to(5_000), Some(40), "exact");
        assert_eq!(count(40, 256).up_to(10), Some(10));
        assert_eq!(count(256, 256).up_to(5_000), None, "at least 256: counted again");
        assert_eq!(count(256, 256).up_to(256), Some(256));
        assert_eq!(count(5_000, 5_000).up_to(256), Some(256));
    }
}
