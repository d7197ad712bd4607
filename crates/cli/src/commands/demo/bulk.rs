//! Registrations in bulk, for benchmarks with up to millions of cases: rows made here, written and
//! audited by the service in large transactions.

use chrono::NaiveDate;
use homeward_domain::case::CaseState::{Assessment, InAssistance, Intake, Monitoring, Planning};
use homeward_domain::ids::CaseId;
use homeward_domain::returnee::Sex;
use homeward_rss::Band;
use homeward_service::{Services, cases};
use homeward_store::frames::{CaseRow, CaseSummaryRow};

use super::people::{GIVEN_FEMALE, GIVEN_MALE, OFFICES};
use super::random::Random;

const PER_TRANSACTION: usize = 5_000;

/// Syllables of family names: 4,096 names, so a search by name finds tens of cases in a million
/// rather than tens of thousands, as in a real caseload.
const SYLLABLES: [&str; 16] =
    ["ba", "di", "fa", "gu", "ka", "la", "ma", "nd", "sa", "to", "we", "yo", "ko", "ne", "ra", "se"];

/// The day `month0` + 1, `day0` + 1 of `year` (the random draws count from 0; a day is at most 28).
fn day(year: usize, month0: usize, day0: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(year as i32, month0 as u32 + 1, day0 as u32 + 1).expect("a day up to the 28th exists")
}

fn family_name(random: &mut Random) -> String {
    let mut name: String = (0..3).map(|_| *random.pick(&SYLLABLES)).collect();
    name[..1].make_ascii_uppercase();
    name
}

pub async fn register(services: &Services, count: usize, first: u64) -> anyhow::Result<()> {
    let by = super::super::admin::command_line();
    let mut random = Random::new(0x5EED ^ first);
    let at = homeward_store::now();
    let mut done = 0;
    while done < count {
        let mut batch = Vec::with_capacity(PER_TRANSACTION);
        for _ in 0..PER_TRANSACTION.min(count - done) {
            let n = first + done as u64 + 1;
            let female = random.chance(0.4);
            let given = if female { random.pick(GIVEN_FEMALE) } else { random.pick(GIVEN_MALE) };
            let family = &family_name(&mut random);
            let year = 1970 + random.below(36);
            let row = CaseRow {
                summary: CaseSummaryRow {
                    id: CaseId::new(homeward_store::new_id()),
                    case_number: format!("HW-2025-{n:07}"),
                    office: random.pick(OFFICES).to_string(),
                    status: [Intake, Assessment, Planning, InAssistance, Monitoring][random.below(5)],
                    case_manager: "demo".into(),
                    given_name: given.to_string(),
                    family_name: family.to_string(),
                    sex: if female { Sex::Female } else { Sex::Male },
                    date_of_birth: day(year, random.below(12), random.below(28)),
                    date_of_return: day(2025, random.below(12), random.below(28)),
                    country_of_origin: "SN".into(),
                    schedule: "standard".into(),
                    plan_agreed_on: None,
                    next_follow_up: random.chance(0.5).then(|| day(2026, random.below(12), random.below(28))),
                    latest_band: random.chance(0.8).then(|| Band::ALL[random.below(3)]),
                    version: 1,
                    created_at: at,
                    updated_at: at,
                },
                profile: "{}".into(),
                closure: None,
                created_by: "demo".into(),
            };
            let terms = homeward_service::cases::search_terms(&row);
            batch.push((row, terms));
            done += 1;
        }
        cases::register_synthetic(services, &by, &batch).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        if done.is_multiple_of(100_000) {
            eprintln!("  {done} / {count}");
        }
    }
    Ok(())
}
