//! Cases: registration, reading, lists with filters, search, versioned updates.

use homeward_domain::ids::CaseId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use chrono::NaiveDate;
use homeward_domain::case::CaseState;
use homeward_rss::Band;

use super::{Page, is_sqlite};
use crate::column::{
    Stored, day, day_text, instant, instant_text, named, opened, opened_optional, optional_day, optional_named, sealed,
    sealed_optional,
};
use crate::frames::{CaseRow, CaseSummaryRow};
use crate::{Result, Tx, check_updated};

/// The columns of a list's rows, in the order [`summary_row`] reads them: a case without its
/// profile, closure and author.
macro_rules! summary_columns {
    () => {
        "id, case_number, office, status, case_manager, given_name, family_name, sex, date_of_birth, \
         date_of_return, country_of_origin, schedule, plan_agreed_on, next_follow_up, latest_band, version, \
         created_at, updated_at"
    };
}
const SUMMARY_COLUMNS: &str = summary_columns!();

/// A whole case's columns: its summary's, then the rest, as [`row`] reads them.
const COLUMNS: &str = concat!(summary_columns!(), ", profile, closure, created_by");

fn summary_row(r: &AnyRow) -> Result<CaseSummaryRow> {
    Ok(CaseSummaryRow {
        id: CaseId::new(r.try_get::<String, _>(0)?),
        case_number: r.try_get(1)?,
        office: r.try_get(2)?,
        status: named(r, 3, "case status")?,
        case_manager: r.try_get(4)?,
        given_name: opened(r, 5, "cases.given_name")?,
        family_name: opened(r, 6, "cases.family_name")?,
        sex: named(r, 7, "sex")?,
        date_of_birth: day(r, 8, "date_of_birth")?,
        date_of_return: day(r, 9, "date_of_return")?,
        country_of_origin: r.try_get(10)?,
        schedule: r.try_get(11)?,
        plan_agreed_on: optional_day(r, 12, "plan_agreed_on")?,
        next_follow_up: optional_day(r, 13, "next_follow_up")?,
        latest_band: optional_named(r, 14, "latest_band")?,
        version: r.try_get(15)?,
        created_at: instant(r, 16, "created_at")?,
        updated_at: instant(r, 17, "updated_at")?,
    })
}

fn row(r: &AnyRow) -> Result<CaseRow> {
    Ok(CaseRow {
        summary: summary_row(r)?,
        profile: opened(r, 18, "cases.profile")?,
        closure: opened_optional(r, 19, "cases.closure")?,
        created_by: r.try_get(20)?,
    })
}

/// The returnee's age at return in whole years, kept in its own column for the M&E cohort
/// (`query::facts::cohort`), written with the dates it comes from so it never disagrees with them.
fn age_at_return(c: &CaseRow) -> i64 {
    i64::from(c.date_of_return.years_since(c.date_of_birth).unwrap_or(0))
}

/// The next number in a named sequence (case numbers per year). Runs in the caller's
/// transaction: a registration that rolls back gives its number back, and the counter's row
/// stays locked until commit, which keeps numbers unique across app servers.
pub async fn next_sequence(tx: &mut Tx, name: &str) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(name)
    .fetch_one(&mut **tx)
    .await?;
    Ok(r.try_get(0)?)
}

/// The case as kept: its names, profile and closure sealed (see [`crate::cipher`]).
fn sealed_case(c: &CaseRow) -> Result<CaseRow> {
    Ok(CaseRow {
        summary: CaseSummaryRow {
            given_name: sealed("cases.given_name", &c.given_name)?,
            family_name: sealed("cases.family_name", &c.family_name)?,
            ..c.summary.clone()
        },
        profile: sealed("cases.profile", &c.profile)?,
        closure: sealed_optional("cases.closure", c.closure.as_deref())?,
        created_by: c.created_by.clone(),
    })
}

/// Inserts a new case and its search terms.
pub async fn insert(tx: &mut Tx, c: &CaseRow, terms: &[String]) -> Result<()> {
    let q = sqlx::query(safe!(
        "INSERT INTO cases ({COLUMNS}, age_at_return) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
    ));
    let kept = sealed_case(c)?;
    bind_case(q, &kept).execute(&mut **tx).await?;
    insert_terms(tx, [(c.id.as_str(), terms)]).await
}

/// A case's values, bound in the order of `COLUMNS` and then its age at return.
fn bind_case<'q>(q: super::AnyQuery<'q>, c: &'q CaseRow) -> super::AnyQuery<'q> {
    q.bind(c.id.as_str())
        .bind(&c.case_number)
        .bind(&c.office)
        .bind(c.status.stored())
        .bind(&c.case_manager)
        .bind(&c.given_name)
        .bind(&c.family_name)
        .bind(c.sex.stored())
        .bind(day_text(c.date_of_birth))
        .bind(day_text(c.date_of_return))
        .bind(&c.country_of_origin)
        .bind(&c.schedule)
        .bind(c.plan_agreed_on.map(day_text))
        .bind(c.next_follow_up.map(day_text))
        .bind(c.latest_band.map(Stored::stored))
        .bind(c.version)
        .bind(instant_text(&c.created_at))
        .bind(instant_text(&c.updated_at))
        .bind(&c.profile)
        .bind(c.closure.as_deref())
        .bind(&c.created_by)
        .bind(age_at_return(c))
}

/// The next `n` numbers of a named sequence, as [`next_sequence`] gives one: the first of them.
pub async fn next_sequences(tx: &mut Tx, name: &str, n: i64) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value",
    )
    .bind(name)
    .bind(n)
    .fetch_one(&mut **tx)
    .await?;
    Ok(r.try_get::<i64, _>(0)? - n + 1)
}

/// Inserts many new cases and their search terms, many rows per statement (an imported
/// caseload): as [`insert`] does one.
pub async fn insert_many(tx: &mut Tx, cases: &[(CaseRow, Vec<String>)]) -> Result<()> {
    let kept: Vec<CaseRow> = cases.iter().map(|(c, _)| sealed_case(c)).collect::<Result<_>>()?;
    let rows: Vec<&CaseRow> = kept.iter().collect();
    super::insert_rows(tx, &format!("cases ({COLUMNS}, age_at_return)"), 22, &rows, |q, c| bind_case(q, c)).await?;
    insert_terms(tx, cases.iter().map(|(c, terms)| (c.id.as_str(), terms.as_slice()))).await
}

/// A term beginning with this is looked up whole only (a community's term): no search word,
/// folded to letters and digits, begins with it.
pub const WHOLE_ONLY: char = '@';

/// The longest prefix of a term that is indexed; a longer search word is cut to it.
const LONGEST_PREFIX: usize = 24;

/// What a case's terms are kept as: the keyed hash of each term whole (`=term`, for exact
/// lookups such as the duplicates' sound keys) and of each of its prefixes (`<pre`, for the
/// search that finds a word by its beginning), each once, with the [`Bloom`] filter of the
/// prefixes. No name can be read from them.
fn term_hashes(ring: &crate::cipher::KeyRing, terms: &[String]) -> (Vec<i64>, Bloom) {
    let mut kept: Vec<i64> = Vec::new();
    let mut bloom = Bloom::default();
    for term in terms {
        kept.push(exact_hash(ring, term));
        if term.starts_with(WHOLE_ONLY) {
            continue;
        }
        let ends = term.char_indices().map(|(i, c)| i + c.len_utf8()).take(LONGEST_PREFIX);
        for end in ends {
            let prefix = ring.term_hash(&format!("<{}", &term[..end]));
            bloom = bloom.with(prefix);
            kept.push(prefix);
        }
    }
    kept.sort_unstable();
    kept.dedup();
    (kept, bloom)
}

/// A Bloom filter of the prefixes a case holds, kept on each of its rows of the term index
/// (migration 0024): 128 bits, the one each prefix's hash names by its lowest seven bits set. A
/// search reading its rarest word's cases from the index checks this first: a case whose filter
/// lacks a bit of another word lacks that word, and is passed over without a lookup; a case that
/// has every bit may still lack a word, and is looked up. With some fifty prefixes a case, about
/// a third of the bits are set, so about a third of the cases without a word are looked up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bloom {
    low: i64,
    high: i64,
}

impl Bloom {
    /// This filter with the bit of the prefix hash `hash` set.
    fn with(self, hash: i64) -> Bloom {
        let bit = hash & 127;
        if bit < 64 {
            Bloom { low: self.low | 1 << bit, ..self }
        } else {
            Bloom { high: self.high | 1 << (bit - 64), ..self }
        }
    }

    /// Whether every bit of `other` is set in this filter, as the database checks it.
    #[cfg(test)]
    fn holds(self, other: Bloom) -> bool {
        self.low & other.low == other.low && self.high & other.high == other.high
    }
}

fn exact_hash(ring: &crate::cipher::KeyRing, term: &str) -> i64 {
    ring.term_hash(&format!("={term}"))
}

/// The hash a search word is looked up by: that of the prefix it is.
fn prefix_hash(ring: &crate::cipher::KeyRing, word: &str) -> i64 {
    let end = word.char_indices().map(|(i, c)| i + c.len_utf8()).take(LONGEST_PREFIX).last().unwrap_or(0);
    ring.term_hash(&format!("<{}", &word[..end]))
}

/// The cases holding one of the search terms `terms` exactly: (case id, its office, the term).
pub async fn holding_terms(conn: &mut AnyConnection, terms: &[&str]) -> Result<Vec<(String, String, String)>> {
    let ring = crate::cipher::ring()?;
    let by_hash: std::collections::HashMap<i64, &str> = terms.iter().map(|t| (exact_hash(&ring, t), *t)).collect();
    let hashes: Vec<i64> = by_hash.keys().copied().collect();
    let found = |r: &AnyRow| -> Result<(String, String, i64)> { Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)) };
    let select =
        "SELECT t.case_id, c.office, t.term FROM case_terms t JOIN cases c ON c.id = t.case_id WHERE t.term IN (";
    let rows = super::rows_for_ids(conn, select, &hashes, found).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(case, office, hash)| by_hash.get(&hash).map(|term| (case, office, term.to_string())))
        .collect())
}

/// The cases of `office` holding the term `term` (a community of return's term; at most 2,000,
/// newest first).
pub async fn with_term(conn: &mut AnyConnection, office: &str, term: &str) -> Result<Vec<CaseRow>> {
    let hash = exact_hash(&*crate::cipher::ring()?, term);
    let columns = COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(safe!(
        "SELECT {columns} FROM case_terms t JOIN cases c ON c.id = t.case_id WHERE t.term = $1 AND c.office = $2 \
         ORDER BY c.id DESC LIMIT 2000"
    ))
    .bind(hash)
    .bind(office)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(row).collect()
}

/// A page of whole cases in registration order, of one office or of all, after the case `after`:
/// for the work that needs each case whole (exports, rebuilding the search terms), which a list's
/// summaries are not.
pub async fn whole_page(
    conn: &mut AnyConnection,
    office: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<CaseRow>> {
    let mut sql = format!("SELECT {COLUMNS} FROM cases WHERE id > $1");
    if office.is_some() {
        sql.push_str(" AND office = $2");
    }
    sql.push_str(&format!(" ORDER BY id LIMIT {}", limit + 1));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after.unwrap_or(""));
    if let Some(office) = office {
        q = q.bind(office);
    }
    let rows = q.fetch_all(conn).await?;
    let rows = rows.iter().map(row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, limit, |c| &c.id))
}

/// The cases whose ids are `ids`.
pub async fn by_ids(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<CaseRow>> {
    super::rows_for_ids(conn, &format!("SELECT {COLUMNS} FROM cases WHERE id IN ("), ids, row).await
}

/// Replaces the search terms of each case of `cases` (id, terms), as rebuilding the index does
/// after the rules or the search key changed: a few statements for a page of cases rather than
/// two per case (with the terms in the index's order, a rebuild of 100,000 cases went from
/// 67-71 s to 52-53 s on the benchmark machine).
pub async fn replace_terms(tx: &mut Tx, cases: &[(&str, &[String])]) -> Result<()> {
    let sqlite = super::is_sqlite(tx);
    for chunk in cases.chunks(super::IDS_PER_QUERY) {
        let ids = super::placeholders(sqlite, 1, chunk.len());
        let mut q = sqlx::query(safe!("DELETE FROM case_terms WHERE case_id IN ({ids})"));
        for (id, _) in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    insert_terms(tx, cases.iter().copied()).await
}

/// Writes the search terms of each case of `cases` (id, terms) as the index keeps them, many
/// rows per statement.
async fn insert_terms<'a>(tx: &mut Tx, cases: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Result<()> {
    let ring = crate::cipher::ring()?;
    let mut rows: Vec<(i64, &str, Bloom)> = Vec::new();
    for (id, terms) in cases {
        let (hashes, bloom) = term_hashes(&ring, terms);
        rows.extend(hashes.into_iter().map(|h| (h, id, bloom)));
    }
    // In the index's order: a page of cases' terms then walk its pages once, not at random.
    rows.sort_unstable_by_key(|(term, id, _)| (*term, *id));
    super::insert_rows(tx, "case_terms (term, case_id, bloom_low, bloom_high)", 4, &rows, |q, (term, id, bloom)| {
        q.bind(*term).bind(*id).bind(bloom.low).bind(bloom.high)
    })
    .await
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<CaseRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM cases WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(row).transpose()
}

/// The case, read in `tx` to be changed from what is read: on PostgreSQL its row stays locked
/// until `tx` ends, so transactions changing one case take turns, and the later one reads what
/// the earlier wrote instead of failing at its update as a change made meanwhile. SQLite's
/// transactions take turns already: it has one writer.
pub async fn get_to_change(tx: &mut AnyConnection, id: &str) -> Result<Option<CaseRow>> {
    let lock = if is_sqlite(tx) { "" } else { " FOR UPDATE" };
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM cases WHERE id = $1{lock}")).bind(id).fetch_optional(tx).await?;
    r.as_ref().map(row).transpose()
}

/// Locks the rows of `ids` in `tx` on PostgreSQL, in the order of their ids: a transaction that
/// changes several cases takes them this way first, so two such transactions never each wait
/// for a case the other holds.
pub async fn lock_to_change(tx: &mut AnyConnection, ids: &[&str]) -> Result<()> {
    if is_sqlite(tx) {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        sqlx::query("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE").bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

/// What a case list is narrowed to. `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFilter {
    /// Only cases of this office (the user's scope, or a filter within it).
    pub office: Option<String>,
    pub status: Option<CaseState>,
    pub case_manager: Option<String>,
    /// Only cases whose next follow-up is due on or before this date.
    pub follow_up_due_by: Option<NaiveDate>,
    /// Composite band of the latest scored survey.
    pub band: Option<Band>,
    /// Words that must each begin a folded name word or the lower-cased case number.
    pub search: Option<Vec<String>>,
    /// Leave out closed and archived cases.
    pub open_only: bool,
    /// The order of the list (by registration when not said).
    pub sort: CaseSort,
    /// Largest first.
    pub descending: bool,
}

/// What a list of cases is ordered by. Every order ends on the id, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseSort {
    /// Registration order (ids are time-ordered).
    #[default]
    Registered,
    Name,
    Status,
    NextFollowUp,
    Band,
    Office,
}

/// Separates a sorted page's cursor parts: the sort value and the id.
const CURSOR_SEP: char = '\u{1f}';

impl CaseSort {
    /// The SQL the list is ordered by.
    fn expr(self) -> &'static str {
        match self {
            CaseSort::Registered => "c.id",
            // Ordered after the names are opened (see `list`).
            CaseSort::Name => "c.id",
            CaseSort::Status => "c.status",
            CaseSort::NextFollowUp => "COALESCE(c.next_follow_up, '9999-12-31')",
            CaseSort::Band => "COALESCE(c.latest_band, '~')",
            CaseSort::Office => "c.office",
        }
    }

    /// The value `expr` has for a row, exactly as the database computes it (the next page
    /// starts after it, compared by the database itself).
    fn key(self, c: &CaseSummaryRow) -> String {
        match self {
            CaseSort::Registered => c.id.to_string(),
            CaseSort::Name => c.id.to_string(),
            CaseSort::Status => c.status.stored().to_string(),
            CaseSort::NextFollowUp => c.next_follow_up.map_or_else(|| "9999-12-31".to_string(), day_text),
            CaseSort::Band => c.latest_band.map_or_else(|| "~".to_string(), |b| b.stored().to_string()),
            CaseSort::Office => c.office.clone(),
        }
    }
}

/// A search word matching fewer terms than this drives the search from the term index.
const DRIVE_FROM_TERMS_BELOW: i64 = 5_000;

/// A word matching fewer terms than this is rare: the search drives from it without counting
/// the other words further.
const RARE_BELOW: i64 = 256;

/// The search words' indexes, rarest first, from how many cases hold each, counted up to `cap`;
/// among equal counts the longer word first, the likelier to be the rarer. `None` when every word
/// reached the cap: which is rarest is not known yet, so they are counted further, whatever order
/// the page is read in. Driving from the wrong one reads all its cases: a given name shared by
/// 60,000 people checked one by one for a family name that 260 have, 0.2 s a search at a
/// million cases (`scripts/bench-api`), against 5 ms from the family name.
fn rarest_first(counts: &[i64], cap: i64, lengths: &[usize]) -> Option<Vec<usize>> {
    if !counts.is_empty() && counts.iter().all(|count| *count >= cap) {
        return None;
    }
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| (counts[i], std::cmp::Reverse(lengths[i])));
    Some(order)
}

/// A value a case list binds: a filter's text, or a search word's term hash.
enum Bound {
    Text(String),
    Term(i64),
}

/// One page of cases matching `filter`, in its order, after `cursor`.
pub async fn list(
    conn: &mut AnyConnection,
    filter: &CaseFilter,
    cursor: Option<&str>,
    limit: i64,
) -> Result<Page<CaseSummaryRow>> {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bound> = Vec::new();
    let mut push = |clause: &str, value: String| {
        binds.push(Bound::Text(value));
        clauses.push(clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(v) = &filter.office {
        push("c.office = ?", v.clone());
    }
    if let Some(v) = filter.status {
        push("c.status = ?", v.stored().to_string());
    }
    if let Some(v) = &filter.case_manager {
        push("c.case_manager = ?", v.clone());
    }
    if let Some(v) = filter.follow_up_due_by {
        push("c.next_follow_up <= ?", day_text(v));
    }
    if let Some(v) = filter.band {
        push("c.latest_band = ?", v.stored().to_string());
    }
    // Names are sealed: the database cannot order by them, so a list by name is ordered here,
    // after the filters, and its cursor is the last case's id.
    let by_name = filter.sort == CaseSort::Name;
    let keyed = !by_name && (filter.sort != CaseSort::Registered || filter.descending);
    let (after, before) = if filter.descending { ("<", "<") } else { (">", ">") };
    let mut after_id = None;
    match cursor {
        Some(_) if by_name => {}
        Some(v) if keyed => {
            let (value, id) = v.split_once(CURSOR_SEP).unwrap_or((v, ""));
            binds.push(Bound::Text(value.to_string()));
            binds.push(Bound::Text(id.to_string()));
            let (n, m) = (binds.len() - 1, binds.len());
            let e = filter.sort.expr();
            clauses.push(format!("({e} {after} ${n} OR ({e} = ${n} AND c.id {before} ${m}))"));
        }
        Some(v) => after_id = Some(v.to_string()),
        None => {}
    }
    if filter.open_only {
        clauses.push("c.status NOT IN ('closed', 'archived')".to_string());
    }
    // Each word is the keyed hash of a prefix in the term index, and every word must be one of
    // the case's. The rarest word drives the query when it is rare enough (counted first up to
    // a few hundred: one rare word is enough, and a common one, a given name shared by tens of
    // thousands, is not read further unless every word is common); the others are checked per
    // case while cases are read in order, which stops as soon as a page is full.
    //
    // In registration order, without a filter that narrows the cases more than a word does (a
    // case manager's, those due), the rarest word drives however common: its range of the term
    // index is in case order, so the page stops once full after reading about as many entries
    // as the page needs divided by how often the other words go with it, where reading the
    // cases in order needs the page divided by how often all the words go with any case (a
    // given name and a family name each shared by tens of thousands: 250 entries against 5,000
    // cases). Only which word is rarest matters then, not by how much.
    let in_case_order = filter.sort == CaseSort::Registered
        && !filter.descending
        && filter.case_manager.is_none()
        && filter.follow_up_due_by.is_none();
    let ring = crate::cipher::ring()?;
    let searched = filter.search.iter().flatten();
    let hashes: Vec<i64> = searched.clone().map(|word| prefix_hash(&ring, word)).collect();
    let lengths: Vec<usize> = searched.map(|word| word.chars().count()).collect();
    // A single word in case order drives whatever its count: nothing to count.
    let mut counts = match hashes.len() {
        1 if in_case_order => vec![0],
        _ => super::term_counts::term_matches(conn, &hashes, RARE_BELOW).await?,
    };
    let order = match rarest_first(&counts, RARE_BELOW, &lengths) {
        Some(order) => order,
        None => {
            counts = super::term_counts::term_matches(conn, &hashes, DRIVE_FROM_TERMS_BELOW).await?;
            rarest_first(&counts, i64::MAX, &lengths).unwrap_or_default()
        }
    };
    let mut words: Vec<(i64, i64)> = order.into_iter().map(|i| (counts[i], hashes[i])).collect();
    let mut from = "cases c".to_string();
    // The case id the other words and the registration order are read from. When the rarest
    // word drives, it is the term index's own (a range of it is in case order): the other words
    // are checked there before any case is read, and a page stops once full instead of reading
    // and sorting every candidate case.
    let mut id = "c.id";
    if words.first().is_some_and(|(count, _)| in_case_order || *count < DRIVE_FROM_TERMS_BELOW) {
        let (_, hash) = words.remove(0);
        binds.push(Bound::Term(hash));
        from = format!(
            "(SELECT case_id, bloom_low, bloom_high FROM case_terms WHERE term = ${}) r \
             JOIN cases c ON c.id = r.case_id",
            binds.len()
        );
        id = "r.case_id";
        // The other words' bits, checked on the row just read before any lookup of a word.
        if !words.is_empty() {
            let bloom = words.iter().fold(Bloom::default(), |bloom, (_, hash)| bloom.with(*hash));
            binds.push(Bound::Term(bloom.low));
            binds.push(Bound::Term(bloom.high));
            let (n, m) = (binds.len() - 1, binds.len());
            clauses.push(format!("(r.bloom_low & ${n}) = ${n} AND (r.bloom_high & ${m}) = ${m}"));
        }
    }
    if let Some(v) = after_id {
        binds.push(Bound::Text(v));
        clauses.push(format!("{id} > ${}", binds.len()));
    }
    for (_, hash) in words {
        binds.push(Bound::Term(hash));
        clauses.push(holds_term(id, binds.len()));
    }
    let from = format!("{from} WHERE 1 = 1");
    let mut sql = format!(
        "SELECT {} FROM {from}",
        SUMMARY_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ")
    );
    for clause in &clauses {
        sql.push_str(" AND ");
        sql.push_str(clause);
    }
    let direction = if filter.descending { " DESC" } else { "" };
    if by_name {
        sql.push_str(" ORDER BY c.id");
    } else if filter.sort == CaseSort::Registered {
        sql.push_str(&format!(" ORDER BY {id}{direction} LIMIT {}", limit + 1));
    } else {
        sql.push_str(&format!(" ORDER BY {}{direction}, c.id{direction} LIMIT {}", filter.sort.expr(), limit + 1));
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &binds {
        q = match b {
            Bound::Text(text) => q.bind(text.as_str()),
            Bound::Term(hash) => q.bind(*hash),
        };
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut rows = rows.iter().map(summary_row).collect::<Result<Vec<_>>>()?;
    if by_name {
        rows.sort_by_cached_key(|c| (name_key(c), c.id.clone()));
        if filter.descending {
            rows.reverse();
        }
        if let Some(last) = cursor {
            let skip = rows.iter().position(|c| c.id == last).map_or(0, |i| i + 1);
            rows.drain(..skip);
        }
        rows.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
    }
    let mut page = Page::from_rows(rows, limit, |c| &c.id);
    if keyed && page.next_cursor.is_some() {
        page.next_cursor = page.items.last().map(|c| format!("{}{CURSOR_SEP}{}", filter.sort.key(c), c.id));
    }
    Ok(page)
}

/// The check that the case `id` holds the term bound as `$n`: one lookup per case read, in the
/// primary key (term, case_id), where the term's one range serves every case a search checks
/// (migration 0022). `OFFSET 0` keeps PostgreSQL from turning the check into a join: it merged
/// the driving word's few hundred cases with a given name's whole range (60,000 entries at a
/// million cases) instead of looking each case up (2 ms against 0.3 ms at 200,000 cases).
/// SQLite looks each case up either way.
fn holds_term(id: &str, n: usize) -> String {
    format!("EXISTS (SELECT 1 FROM case_terms t WHERE t.case_id = {id} AND t.term = ${n} LIMIT 1 OFFSET 0)")
}

/// What a list by name is ordered by: family name, then given name, as their folded words.
fn name_key(c: &CaseSummaryRow) -> String {
    homeward_domain::search::fold(&format!("{} {}", c.family_name, c.given_name))
}

/// Writes the editable fields of `c` if its version is still `expected`; bumps the version.
pub async fn update(tx: &mut Tx, c: &CaseRow, expected: i64, terms: Option<&[String]>) -> Result<i64> {
    let kept = sealed_case(c)?;
    let r = sqlx::query(
        "UPDATE cases SET office = $1, status = $2, case_manager = $3, given_name = $4, family_name = $5, sex = $6, \
         date_of_birth = $7, date_of_return = $8, country_of_origin = $9, profile = $10, schedule = $11, \
         plan_agreed_on = $12, next_follow_up = $13, latest_band = $14, closure = $15, version = version + 1, \
         updated_at = $16, age_at_return = $19 WHERE id = $17 AND version = $18",
    )
    .bind(&c.office)
    .bind(c.status.stored())
    .bind(&c.case_manager)
    .bind(&kept.given_name)
    .bind(&kept.family_name)
    .bind(c.sex.stored())
    .bind(day_text(c.date_of_birth))
    .bind(day_text(c.date_of_return))
    .bind(&c.country_of_origin)
    .bind(&kept.profile)
    .bind(&c.schedule)
    .bind(c.plan_agreed_on.map(day_text))
    .bind(c.next_follow_up.map(day_text))
    .bind(c.latest_band.map(Stored::stored))
    .bind(kept.closure.as_deref())
    .bind(instant_text(&crate::now()))
    .bind(c.id.as_str())
    .bind(expected)
    .bind(age_at_return(c))
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "cases", &c.id, r.rows_affected()).await?;
    if let Some(terms) = terms {
        replace_terms(tx, &[(c.id.as_str(), terms)]).await?;
    }
    Ok(expected + 1)
}

/// Sets derived fields that change with other records (latest band, next follow-up) without
/// touching the version a client holds: they are Homeward's, not the user's, to change.
pub async fn set_derived(
    tx: &mut Tx,
    id: &str,
    latest_band: Option<Band>,
    next_follow_up: Option<NaiveDate>,
) -> Result<()> {
    sqlx::query("UPDATE cases SET latest_band = $1, next_follow_up = $2 WHERE id = $3")
        .bind(latest_band.map(Stored::stored))
        .bind(next_follow_up.map(day_text))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many cases each office holds, and how many of them are open (not closed or archived).
pub async fn count_by_office(conn: &mut AnyConnection) -> Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT office, COUNT(*), SUM(CASE WHEN status IN ('closed', 'archived') THEN 0 ELSE 1 END) \
         FROM cases GROUP BY office ORDER BY office",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    let r = sqlx::query("SELECT COUNT(*) FROM cases").fetch_one(conn).await?;
    Ok(r.try_get(0)?)
}

/// A named counter's value (0 when it was never set): versions of derived data, for instance.
pub async fn counter(conn: &mut AnyConnection, name: &str) -> Result<i64> {
    let r = sqlx::query("SELECT value FROM counters WHERE name = $1").bind(name).fetch_optional(conn).await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
}

/// Sets a named counter.
pub async fn set_counter(tx: &mut Tx, name: &str, value: i64) -> Result<()> {
    sqlx::query("INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $2")
        .bind(name)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves every record, survey, plan, referral, mentorship and document of case `merged` to case `kept`
/// and records that `merged` now points to `kept`. The callers check both cases and archive the merged one.
pub async fn merge(tx: &mut Tx, merged: &str, kept: &str, reason: &str, by: &str) -> Result<()> {
    for table in ["case_records", "surveys", "plans", "referrals", "mentorships", "mentoring_sessions", "documents"] {
        sqlx::query(safe!("UPDATE {table} SET case_id = $1 WHERE case_id = $2"))
            .bind(kept)
            .bind(merged)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO case_merges (merged_case, kept_case, reason, merged_at, merged_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(merged)
    .bind(kept)
    .bind(crate::column::sealed("case_merges.reason", reason)?)
    .bind(instant_text(&crate::now()))
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A case on the other side of a merge: its id and case number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeLink {
    pub case_id: String,
    pub case_number: String,
}

/// The case `id` was merged into, if any, and the cases merged into it.
pub async fn merges(conn: &mut AnyConnection, id: &str) -> Result<(Option<MergeLink>, Vec<MergeLink>)> {
    let link =
        |r: &AnyRow| -> Result<MergeLink> { Ok(MergeLink { case_id: r.try_get(0)?, case_number: r.try_get(1)? }) };
    let into = sqlx::query(
        "SELECT c.id, c.case_number FROM case_merges m JOIN cases c ON c.id = m.kept_case WHERE m.merged_case = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let from = sqlx::query(
        "SELECT c.id, c.case_number FROM case_merges m JOIN cases c ON c.id = m.merged_case \
         WHERE m.kept_case = $1 ORDER BY c.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok((into.as_ref().map(link).transpose()?, from.iter().map(link).collect::<Result<_>>()?))
}

/// Of the cases `ids`, those merged into another case.
pub async fn merged_among(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<String>> {
    let id = |r: &AnyRow| -> Result<String> { Ok(r.try_get(0)?) };
    super::rows_for_ids(conn, "SELECT merged_case FROM case_merges WHERE merged_case IN (", ids, id).await
}

/// The cases whose numbers are `numbers` (exactly as stored).
pub async fn by_numbers(conn: &mut AnyConnection, numbers: &[&str]) -> Result<Vec<CaseRow>> {
    super::rows_for_ids(conn, &format!("SELECT {COLUMNS} FROM cases WHERE case_number IN ("), numbers, row).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::is_sqlite;

    /// The plan the database makes for checking that a case holds a search word, as `list` asks.
    async fn plan_of_the_word_check(store: &crate::Store) -> String {
        let mut conn = store.read().await.unwrap();
        let check = holds_term("c.id", 1);
        let plan = if is_sqlite(&conn) {
            format!("EXPLAIN QUERY PLAN SELECT c.id FROM cases c WHERE {check}")
        } else {
            // Which index answers is the question, not whether an empty table is read whole.
            sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
            format!("EXPLAIN SELECT c.id FROM cases c WHERE {check}")
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(plan)).bind(42_i64).fetch_all(&mut *conn).await.unwrap();
        let column = usize::from(is_sqlite(&conn)) * 3;
        rows.iter().map(|r| r.try_get::<String, _>(column).unwrap()).collect::<Vec<_>>().join("\n")
    }

    #[tokio::test]
    async fn a_search_word_is_checked_in_the_primary_key_not_the_per_case_index() {
        crate::on_scratch_sqlite(|store| async move {
            let plan = plan_of_the_word_check(&store).await;
            store.close().await;
            assert!(plan.contains("t USING PRIMARY KEY (term=? AND case_id=?)"), "{plan}");
        })
        .await;

        crate::on_scratch_postgres("hw_word_check", |store| async move {
            let plan = plan_of_the_word_check(&store).await;
            store.close().await;
            assert!(plan.contains("using case_terms_pkey on case_terms t"), "{plan}");
        })
        .await;
    }

    #[test]
    fn a_case_bloom_filter_holds_every_prefix_of_its_terms_and_rules_out_most_other_words() {
        let ring = crate::cipher::KeyRing::generate().unwrap();
        let terms: Vec<String> = ["awa", "~awa", "diallo", "~dialo", "hw-2026-000042", "#42"].map(String::from).into();
        let (_, bloom) = term_hashes(&ring, &terms);
        for word in ["a", "aw", "awa", "dia", "diallo", "~dia", "hw-2026", "#4", "#42"] {
            assert!(bloom.holds(Bloom::default().with(prefix_hash(&ring, word))), "{word} is one of the case's");
        }
        // Words the case lacks: a third of the bits or so are set, so most are ruled out.
        let others: Vec<String> = (0..1000).map(|n| format!("other{n}")).collect();
        let passed = others.iter().filter(|w| bloom.holds(Bloom::default().with(prefix_hash(&ring, w)))).count();
        let set = (bloom.low.count_ones() + bloom.high.count_ones()) as usize;
        assert!((20..=50).contains(&set), "{set} of 128 bits set");
        assert!(passed < 500, "{passed} of 1,000 words the case lacks would be looked up");
        // Two words: both bits must be there.
        let both = Bloom::default().with(prefix_hash(&ring, "awa")).with(prefix_hash(&ring, "diallo"));
        assert!(bloom.holds(both));
        assert!(!Bloom::default().with(1).with(2).holds(Bloom::default().with(1).with(3)));
        assert!(Bloom::default().with(63).with(64).with(127).holds(Bloom::default().with(127).with(63)));
    }

    #[test]
    fn the_rarest_word_comes_first_and_a_tie_goes_to_the_longer_word() {
        assert_eq!(rarest_first(&[256, 40, 256], 256, &[3, 6, 9]), Some(vec![1, 2, 0]));
        assert_eq!(rarest_first(&[7, 7], 256, &[4, 5]), Some(vec![1, 0]));
    }

    #[test]
    fn words_that_all_reach_the_count_are_counted_further_before_one_drives() {
        // A common given name and a family name just past the first count: counting stops at
        // the same number for both, which says nothing about which is rarer.
        assert_eq!(rarest_first(&[256, 256], 256, &[9, 6]), None);
        assert_eq!(rarest_first(&[5_000, 262], 5_000, &[9, 6]), Some(vec![1, 0]));
        // Past the last count, the tie stands: the longer word first.
        assert_eq!(rarest_first(&[5_000, 5_000], i64::MAX, &[6, 9]), Some(vec![1, 0]));
    }
}
