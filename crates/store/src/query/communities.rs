//! Communities and their projects: profiles, projects, participants, ledger lines.

use homeward_domain::ids::{CaseId, CommunityId, ProjectId, StakeholderId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, day, day_text, instant, instant_text, named, optional_day};
use crate::frames::{CommunityRow, LedgerRow, ParticipantRow, ProjectRow, SatisfactionRow, StakeholderRow};
use crate::{Result, Tx, check_updated};

const COMMUNITY: &str = "id, office, name, country, profile, assessed_on, version, created_at, created_by, updated_at";

fn community_row(r: &AnyRow) -> Result<CommunityRow> {
    Ok(CommunityRow {
        id: CommunityId::new(r.try_get::<String, _>(0)?),
        office: r.try_get(1)?,
        name: r.try_get(2)?,
        country: r.try_get(3)?,
        profile: r.try_get(4)?,
        assessed_on: day(r, 5, "assessed_on")?,
        version: r.try_get(6)?,
        created_at: instant(r, 7, "created_at")?,
        created_by: r.try_get(8)?,
        updated_at: instant(r, 9, "updated_at")?,
    })
}

pub async fn insert_community(tx: &mut Tx, c: &CommunityRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO communities ({COMMUNITY}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(c.id.as_str())
        .bind(&c.office)
        .bind(&c.name)
        .bind(&c.country)
        .bind(&c.profile)
        .bind(day_text(c.assessed_on))
        .bind(c.version)
        .bind(instant_text(&c.created_at))
        .bind(&c.created_by)
        .bind(instant_text(&c.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes the profile of `c` if its version is still `expected`; bumps the version.
pub async fn update_community(tx: &mut Tx, c: &CommunityRow, expected: i64) -> Result<i64> {
    let r = sqlx::query(
        "UPDATE communities SET office = $1, name = $2, country = $3, profile = $4, assessed_on = $5, \
         version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
    )
    .bind(&c.office)
    .bind(&c.name)
    .bind(&c.country)
    .bind(&c.profile)
    .bind(day_text(c.assessed_on))
    .bind(instant_text(&c.updated_at))
    .bind(c.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "communities", &c.id, r.rows_affected()).await?;
    Ok(expected + 1)
}

pub async fn community(conn: &mut AnyConnection, id: &str) -> Result<Option<CommunityRow>> {
    let r =
        sqlx::query(safe!("SELECT {COMMUNITY} FROM communities WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(community_row).transpose()
}

/// The communities of `office` (every office's for `None`), by name.
pub async fn communities(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<CommunityRow>> {
    let rows = match office {
        Some(office) => {
            sqlx::query(safe!("SELECT {COMMUNITY} FROM communities WHERE office = $1 ORDER BY name, id"))
                .bind(office)
                .fetch_all(conn)
                .await?
        }
        None => sqlx::query(safe!("SELECT {COMMUNITY} FROM communities ORDER BY name, id")).fetch_all(conn).await?,
    };
    rows.iter().map(community_row).collect()
}

const PROJECT: &str = "id, community_id, office, title, approach, activity, dimension, state, proposal, screening, \
    justification, started_on, version, created_at, created_by, updated_at";

fn project_row(r: &AnyRow) -> Result<ProjectRow> {
    Ok(ProjectRow {
        id: ProjectId::new(r.try_get::<String, _>(0)?),
        community_id: CommunityId::new(r.try_get::<String, _>(1)?),
        office: r.try_get(2)?,
        title: r.try_get(3)?,
        approach: r.try_get(4)?,
        activity: r.try_get(5)?,
        dimension: named(r, 6, "dimension")?,
        state: named(r, 7, "project state")?,
        proposal: r.try_get(8)?,
        screening: r.try_get(9)?,
        justification: r.try_get(10)?,
        started_on: optional_day(r, 11, "started_on")?,
        version: r.try_get(12)?,
        created_at: instant(r, 13, "created_at")?,
        created_by: r.try_get(14)?,
        updated_at: instant(r, 15, "updated_at")?,
    })
}

pub async fn insert_project(tx: &mut Tx, p: &ProjectRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO community_projects ({PROJECT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         $14, $15, $16)"
    ))
    .bind(p.id.as_str())
    .bind(p.community_id.as_str())
    .bind(&p.office)
    .bind(&p.title)
    .bind(&p.approach)
    .bind(&p.activity)
    .bind(p.dimension.stored())
    .bind(p.state.stored())
    .bind(&p.proposal)
    .bind(p.screening.as_deref())
    .bind(p.justification.as_deref())
    .bind(p.started_on.map(day_text))
    .bind(p.version)
    .bind(instant_text(&p.created_at))
    .bind(&p.created_by)
    .bind(instant_text(&p.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes what changes in a project (state, screening, justification, start) if its version is
/// still `expected`; bumps the version.
pub async fn update_project(tx: &mut Tx, p: &ProjectRow, expected: i64) -> Result<i64> {
    let r = sqlx::query(
        "UPDATE community_projects SET state = $1, screening = $2, justification = $3, started_on = $4, \
         version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
    )
    .bind(p.state.stored())
    .bind(p.screening.as_deref())
    .bind(p.justification.as_deref())
    .bind(p.started_on.map(day_text))
    .bind(instant_text(&p.updated_at))
    .bind(p.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "community_projects", &p.id, r.rows_affected()).await?;
    Ok(expected + 1)
}

pub async fn project(conn: &mut AnyConnection, id: &str) -> Result<Option<ProjectRow>> {
    let r = sqlx::query(safe!("SELECT {PROJECT} FROM community_projects WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(project_row).transpose()
}

/// The projects of `office` (every office's for `None`), newest first.
pub async fn projects(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<ProjectRow>> {
    let rows = match office {
        Some(office) => {
            sqlx::query(safe!("SELECT {PROJECT} FROM community_projects WHERE office = $1 ORDER BY id DESC"))
                .bind(office)
                .fetch_all(conn)
                .await?
        }
        None => sqlx::query(safe!("SELECT {PROJECT} FROM community_projects ORDER BY id DESC")).fetch_all(conn).await?,
    };
    rows.iter().map(project_row).collect()
}

const PARTICIPANT: &str = "id, project_id, kind, case_id, participant, joined_on, created_at, created_by";

fn participant(r: &AnyRow) -> Result<ParticipantRow> {
    Ok(ParticipantRow {
        id: r.try_get(0)?,
        project_id: ProjectId::new(r.try_get::<String, _>(1)?),
        kind: named(r, 2, "participant kind")?,
        case_id: r.try_get::<Option<String>, _>(3)?.map(CaseId::new),
        participant: crate::column::opened(r, 4, "project_participants.participant")?,
        joined_on: day(r, 5, "joined_on")?,
        created_at: instant(r, 6, "created_at")?,
        created_by: r.try_get(7)?,
    })
}

pub async fn insert_participant(tx: &mut Tx, p: &ParticipantRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO project_participants ({PARTICIPANT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(&p.id)
        .bind(p.project_id.as_str())
        .bind(p.kind.stored())
        .bind(p.case_id.as_ref().map(|c| c.as_str()))
        .bind(crate::column::sealed("project_participants.participant", &p.participant)?)
        .bind(day_text(p.joined_on))
        .bind(instant_text(&p.created_at))
        .bind(&p.created_by)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn participants(conn: &mut AnyConnection, project_id: &str) -> Result<Vec<ParticipantRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {PARTICIPANT} FROM project_participants WHERE project_id = $1 ORDER BY joined_on, id"
    ))
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(participant).collect()
}

const LEDGER: &str = "id, project_id, kind, entry_date, currency, amount_minor, description, created_at, created_by";

fn ledger(r: &AnyRow) -> Result<LedgerRow> {
    Ok(LedgerRow {
        id: r.try_get(0)?,
        project_id: ProjectId::new(r.try_get::<String, _>(1)?),
        kind: named(r, 2, "ledger kind")?,
        date: day(r, 3, "entry_date")?,
        currency: r.try_get(4)?,
        amount_minor: r.try_get(5)?,
        description: r.try_get(6)?,
        created_at: instant(r, 7, "created_at")?,
        created_by: r.try_get(8)?,
    })
}

pub async fn insert_ledger(tx: &mut Tx, l: &LedgerRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO project_ledger ({LEDGER}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(&l.id)
        .bind(l.project_id.as_str())
        .bind(l.kind.stored())
        .bind(day_text(l.date))
        .bind(&l.currency)
        .bind(l.amount_minor)
        .bind(&l.description)
        .bind(instant_text(&l.created_at))
        .bind(&l.created_by)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn ledger_lines(conn: &mut AnyConnection, project_id: &str) -> Result<Vec<LedgerRow>> {
    let rows = sqlx::query(safe!("SELECT {LEDGER} FROM project_ledger WHERE project_id = $1 ORDER BY entry_date, id"))
        .bind(project_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(ledger).collect()
}

const SATISFACTION: &str =
    "id, project_id, respondent, sex, age_group, answered_on, satisfied, comment, created_at, created_by";

fn satisfaction(r: &AnyRow) -> Result<SatisfactionRow> {
    Ok(SatisfactionRow {
        id: r.try_get(0)?,
        project_id: ProjectId::new(r.try_get::<String, _>(1)?),
        respondent: named(r, 2, "respondent")?,
        sex: named(r, 3, "sex")?,
        age_group: named(r, 4, "age_group")?,
        answered_on: day(r, 5, "answered_on")?,
        satisfied: r.try_get::<i64, _>(6)? == 1,
        comment: r.try_get(7)?,
        created_at: instant(r, 8, "created_at")?,
        created_by: r.try_get(9)?,
    })
}

pub async fn insert_satisfaction(tx: &mut Tx, a: &SatisfactionRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO project_satisfaction ({SATISFACTION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&a.id)
    .bind(a.project_id.as_str())
    .bind(a.respondent.stored())
    .bind(a.sex.stored())
    .bind(a.age_group.stored())
    .bind(day_text(a.answered_on))
    .bind(i64::from(a.satisfied))
    .bind(a.comment.as_deref())
    .bind(instant_text(&a.created_at))
    .bind(&a.created_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A project's satisfaction answers, oldest first.
pub async fn satisfaction_of(conn: &mut AnyConnection, project_id: &str) -> Result<Vec<SatisfactionRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {SATISFACTION} FROM project_satisfaction WHERE project_id = $1 ORDER BY answered_on, id"
    ))
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(satisfaction).collect()
}

/// The satisfaction answers of the projects of `office` (every office's for `None`) given from
/// `from` to `to` (included): the community indicator's facts.
pub async fn satisfaction_in(
    conn: &mut AnyConnection,
    office: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<SatisfactionRow>> {
    let columns = SATISFACTION.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns} FROM project_satisfaction a JOIN community_projects p ON p.id = a.project_id \
         WHERE a.answered_on >= $1 AND a.answered_on <= $2 AND ($3 = '' OR p.office = $3) ORDER BY a.answered_on, a.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(day_text(from))
        .bind(day_text(to))
        .bind(office.unwrap_or(""))
        .fetch_all(conn)
        .await?;
    rows.iter().map(satisfaction).collect()
}

const STAKEHOLDER: &str = "id, office, name, category, interest, influence, stance, stakeholder, mapped_on, version, created_at, created_by, updated_at";

fn stakeholder(r: &AnyRow) -> Result<StakeholderRow> {
    Ok(StakeholderRow {
        id: StakeholderId::new(r.try_get::<String, _>(0)?),
        office: r.try_get(1)?,
        name: r.try_get(2)?,
        category: named(r, 3, "stakeholder category")?,
        interest: named(r, 4, "interest")?,
        influence: named(r, 5, "influence")?,
        stance: named(r, 6, "stance")?,
        stakeholder: r.try_get(7)?,
        mapped_on: day(r, 8, "mapped_on")?,
        version: r.try_get(9)?,
        created_at: instant(r, 10, "created_at")?,
        created_by: r.try_get(11)?,
        updated_at: instant(r, 12, "updated_at")?,
    })
}

pub async fn insert_stakeholder(tx: &mut Tx, s: &StakeholderRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO stakeholders ({STAKEHOLDER}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(s.id.as_str())
    .bind(&s.office)
    .bind(&s.name)
    .bind(s.category.stored())
    .bind(s.interest.stored())
    .bind(s.influence.stored())
    .bind(s.stance.stored())
    .bind(&s.stakeholder)
    .bind(day_text(s.mapped_on))
    .bind(s.version)
    .bind(instant_text(&s.created_at))
    .bind(&s.created_by)
    .bind(instant_text(&s.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the stakeholder `s` if its version is still `expected`; bumps the version.
pub async fn update_stakeholder(tx: &mut Tx, s: &StakeholderRow, expected: i64) -> Result<i64> {
    let r = sqlx::query(
        "UPDATE stakeholders SET office = $1, name = $2, category = $3, interest = $4, influence = $5, stance = $6, \
         stakeholder = $7, mapped_on = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11",
    )
    .bind(&s.office)
    .bind(&s.name)
    .bind(s.category.stored())
    .bind(s.interest.stored())
    .bind(s.influence.stored())
    .bind(s.stance.stored())
    .bind(&s.stakeholder)
    .bind(day_text(s.mapped_on))
    .bind(instant_text(&s.updated_at))
    .bind(s.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "stakeholders", &s.id, r.rows_affected()).await?;
    Ok(expected + 1)
}

pub async fn stakeholder_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<StakeholderRow>> {
    let r = sqlx::query(safe!("SELECT {STAKEHOLDER} FROM stakeholders WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(stakeholder).transpose()
}

/// The stakeholders of `office` (every office's for `None`), by name.
pub async fn stakeholders(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<StakeholderRow>> {
    let rows =
        sqlx::query(safe!("SELECT {STAKEHOLDER} FROM stakeholders WHERE ($1 = '' OR office = $1) ORDER BY name, id"))
            .bind(office.unwrap_or(""))
            .fetch_all(conn)
            .await?;
    rows.iter().map(stakeholder).collect()
}
