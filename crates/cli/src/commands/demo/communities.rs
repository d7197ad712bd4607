//! The demo's community level: communities of the Dakar and Thiès offices with their profiles, and
//! community-based projects at every stage (one running for five months with its returnees,
//! members of the community, budget, spending and satisfaction survey; one approved despite a
//! negative criterion, with its justification; one only proposed), so the pages show real data.

use chrono::{Days, NaiveDate};
use homeward_domain::community::{CriterionKind, ProjectCatalogue};
use homeward_service::Services;
use homeward_service::auth::Caller;
use homeward_service::communities;
use homeward_service::community_projects as projects;
use serde_json::{Value, json};

use super::flows::{refused, typed};

/// Every criterion judged: the positive ones met but those in `unmet`, the negative ones not
/// met but those in `met`.
fn screening(version: i64, unmet: &[&str], met: &[&str]) -> anyhow::Result<projects::ScreeningInput> {
    let answers: Vec<Value> = ProjectCatalogue::builtin()
        .criteria
        .iter()
        .map(|c| {
            let positive = c.kind == Some(CriterionKind::Positive);
            let is_met = if positive { !unmet.contains(&c.id.as_str()) } else { met.contains(&c.id.as_str()) };
            json!({"criterion": c.id, "met": is_met, "reason": if is_met { "confirmed in the focus group" } else { "not seen in the assessment" }})
        })
        .collect();
    typed(json!({"version": version, "screening": {"answers": answers}}))
}

pub async fn create(svc: &Services, by: &Caller, today: NaiveDate) -> anyhow::Result<()> {
    let ago = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let profile = |name: &str, office: &str, province: &str| {
        json!({"name": name, "office": office, "country": "SN", "province": province,
            "population": 35000, "sociodemographics": "young households; many women head their household",
            "migration_drivers": "fishing in decline; relatives abroad finance departures",
            "resources_and_services": "a health post, two vocational centres, a women's savings group",
            "labour_market": "market gardening, small trade, construction by the day",
            "perception_of_returnees": "mixed: some families see a return as a failure",
            "social_inclusion": "returnees meet through the youth association",
            "tension_indicators": "land for gardening is scarce",
            "sources": "desk review; two focus groups; household survey (2026)", "assessed_on": ago(200)})
    };
    let pikine = communities::create(svc, by, typed(profile("Pikine", "dakar", "Dakar"))?).await.map_err(refused)?;
    let guediawaye =
        communities::create(svc, by, typed(profile("Guédiawaye", "dakar", "Dakar"))?).await.map_err(refused)?;
    let mbour = communities::create(svc, by, typed(profile("Mbour", "thies", "Thiès"))?).await.map_err(refused)?;

    // A market garden, running for five months.
    let garden = projects::propose(
        svc,
        by,
        typed(json!({"community_id": pikine.id, "title": "Jardin maraîcher collectif",
        "approach": "new_community_project", "activity": "local_development_livelihood",
        "description": "A shared market garden with a well and drip irrigation, run by returnees and neighbours",
        "location": "Pikine Est"}))?,
    )
    .await
    .map_err(refused)?;
    projects::screen(svc, by, &garden.id, screening(1, &["high_vulnerability_needs"], &[])?).await.map_err(refused)?;
    projects::step(svc, by, &garden.id, typed(json!({"action": "approve", "version": 2}))?).await.map_err(refused)?;
    projects::step(svc, by, &garden.id, typed(json!({"action": "start", "version": 3, "on": ago(150)}))?)
        .await
        .map_err(refused)?;
    let returnees = communities::read(svc, by, &pikine.id).await.map_err(refused)?.returnees;
    for r in returnees.iter().take(3) {
        let p = json!({"kind": "returnee", "case_id": r.case_id, "role": "gardener", "joined_on": ago(150)});
        projects::add_participant(svc, by, &garden.id, typed(p)?).await.map_err(refused)?;
    }
    let members = [
        ("Ndeye Faye", "female", "35_49", "group leader"),
        ("Mariama Sarr", "female", "25_34", "gardener"),
        ("Ibou Diop", "male", "50_plus", "well keeper"),
        ("Astou Ndiaye", "female", "18_24", "gardener"),
    ];
    for (name, sex, age, role) in members {
        let p = json!({"kind": "community_member", "name": name, "sex": sex, "age_group": age, "role": role, "joined_on": ago(150)});
        projects::add_participant(svc, by, &garden.id, typed(p)?).await.map_err(refused)?;
    }
    for (kind, date, amount, what) in [
        ("planned", ago(180), "2500000", "well, pump and drip irrigation"),
        ("planned", ago(180), "600000", "seeds, tools and training"),
        ("spent", ago(140), "1800000", "well and pump"),
        ("spent", ago(120), "350000", "seeds and tools"),
    ] {
        let line =
            json!({"kind": kind, "date": date, "amount": {"amount": amount, "currency": "XOF"}, "description": what});
        projects::add_ledger_line(svc, by, &garden.id, typed(line)?).await.map_err(refused)?;
    }
    for (sex, age, satisfied) in
        [("female", "35_49", true), ("female", "25_34", true), ("male", "50_plus", false), ("female", "18_24", true)]
    {
        let answer = json!({"respondent": "community_member", "sex": sex, "age_group": age, "date": ago(20), "satisfied": satisfied});
        projects::record_satisfaction(svc, by, &garden.id, typed(answer)?).await.map_err(refused)?;
    }

    // Peer support, approved although its screening found a negative criterion.
    let peers = projects::propose(
        svc,
        by,
        typed(json!({"community_id": guediawaye.id, "title": "Groupe de parole entre pairs",
        "approach": "collective_returnee", "activity": "peer_support",
        "description": "Monthly meetings of returnees, led by a trained peer, with a psychologist on call"}))?,
    )
    .await
    .map_err(refused)?;
    projects::screen(svc, by, &peers.id, screening(1, &["local_development_plan"], &["no_gender_considerations"])?)
        .await
        .map_err(refused)?;
    let approve = json!({"action": "approve", "version": 2,
        "justification": "women-only sessions added at the focus group's request; the gender plan follows in a month"});
    projects::step(svc, by, &peers.id, typed(approve)?).await.map_err(refused)?;

    // The Dakar office's stakeholder map.
    for (name, category, level, interest, influence, stance, role) in [
        (
            "Mairie de Pikine",
            "local_authority",
            "local",
            "high",
            "high",
            "supporter",
            "lends land to community projects; chairs the coordination meeting",
        ),
        (
            "Ministère des Sénégalais de l'extérieur",
            "line_ministry",
            "national",
            "high",
            "high",
            "supporter",
            "national reintegration policy; the returnee desk",
        ),
        (
            "Chambre de commerce de Dakar",
            "private_sector",
            "local",
            "low",
            "high",
            "neutral",
            "apprenticeships with its members",
        ),
        (
            "Association des jeunes de Guédiawaye",
            "cso_ngo",
            "local",
            "high",
            "low",
            "supporter",
            "peer support and sport",
        ),
        (
            "Imam de Rufisque",
            "community_leader",
            "local",
            "medium",
            "medium",
            "neutral",
            "community dialogue on return",
        ),
    ] {
        let s = json!({"name": name, "office": "dakar", "category": category, "level": level, "role_and_functions": role,
            "interest": interest, "influence": influence, "willingness": "medium", "stance": stance, "mapped_on": ago(60)});
        homeward_service::stakeholders::create(svc, by, typed(s)?).await.map_err(refused)?;
    }

    // Proposed only, in Thiès.
    projects::propose(
        svc,
        by,
        typed(json!({"community_id": mbour.id, "title": "Groupement de transformation du poisson",
        "approach": "existing_project", "activity": "collective_income_generating",
        "description": "Returnees join the women's fish-processing cooperative"}))?,
    )
    .await
    .map_err(refused)?;
    Ok(())
}
