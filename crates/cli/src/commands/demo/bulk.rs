//! Registrations written straight to the store, for benchmarks with up to millions of cases.

use homeward_domain::search;
use homeward_store::Store;
use homeward_store::frames::CaseRow;
use homeward_store::query::cases;

use super::people::{GIVEN_FEMALE, GIVEN_MALE, OFFICES};
use super::random::Random;

const PER_TRANSACTION: usize = 5_000;

/// Syllables of family names: 4,096 names, so a search by name finds tens of cases in a million
/// rather than tens of thousands, as in a real caseload.
const SYLLABLES: [&str; 16] =
    ["ba", "di", "fa", "gu", "ka", "la", "ma", "nd", "sa", "to", "we", "yo", "ko", "ne", "ra", "se"];

fn family_name(random: &mut Random) -> String {
    let mut name: String = (0..3).map(|_| *random.pick(&SYLLABLES)).collect();
    name[..1].make_ascii_uppercase();
    name
}

pub async fn register(store: &Store, count: usize, first: u64) -> anyhow::Result<()> {
    let mut random = Random::new(0x5EED ^ first);
    let at = homeward_store::now();
    let mut done = 0;
    while done < count {
        let mut tx = store.begin().await?;
        for _ in 0..PER_TRANSACTION.min(count - done) {
            let n = first + done as u64 + 1;
            let female = random.chance(0.4);
            let given = if female { random.pick(GIVEN_FEMALE) } else { random.pick(GIVEN_MALE) };
            let family = &family_name(&mut random);
            let year = 1970 + random.below(36);
            let row = CaseRow {
                id: homeward_store::new_id(),
                case_number: format!("HW-2025-{n:07}"),
                office: random.pick(OFFICES).to_string(),
                status: ["intake", "assessment", "planning", "in_assistance", "monitoring"][random.below(5)].into(),
                case_manager: "demo".into(),
                given_name: given.to_string(),
                family_name: family.to_string(),
                sex: if female { "female" } else { "male" }.into(),
                date_of_birth: format!("{year}-{:02}-{:02}", 1 + random.below(12), 1 + random.below(28)),
                date_of_return: format!("2025-{:02}-{:02}", 1 + random.below(12), 1 + random.below(28)),
                country_of_origin: "SN".into(),
                profile: "{}".into(),
                schedule: "standard".into(),
                plan_agreed_on: None,
                next_follow_up: random
                    .chance(0.5)
                    .then(|| format!("2026-{:02}-{:02}", 1 + random.below(12), 1 + random.below(28))),
                latest_band: random
                    .chance(0.8)
                    .then(|| ["intensive", "standard", "light"][random.below(3)].to_string()),
                closure: None,
                version: 1,
                created_at: at.clone(),
                created_by: "demo".into(),
                updated_at: at.clone(),
            };
            let mut terms = search::terms(&[given, family]);
            terms.push(row.case_number.to_lowercase());
            cases::insert(&mut tx, &row, &terms).await?;
            done += 1;
        }
        homeward_store::commit(tx).await?;
        if done.is_multiple_of(100_000) {
            eprintln!("  {done} / {count}");
        }
    }
    Ok(())
}
