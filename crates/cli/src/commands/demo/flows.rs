//! Demo cases created through the services, each taken some way along the handbook's path: the
//! same operations, checks and audit entries as a user's, acting as the command line.

use anyhow::Context;
use chrono::{Days, NaiveDate};
use homeward_domain::records::{
    Assistance, ConsentRecord, CounsellingSession, FollowUp, HouseholdMember, SkillsAssessment, VulnerabilityAssessment,
};
use homeward_rss::Instrument;
use homeward_service::providers::ProviderQuery;
use homeward_service::{Caller, Services, cases, plans, providers, records, referrals, surveys};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::people;
use super::random::Random;

/// The demo's data, written as JSON as a client would send it, read into the operation's input.
pub(super) fn typed<T: DeserializeOwned>(value: Value) -> anyhow::Result<T> {
    homeward_service::input::from_json_value(value).map_err(refused)
}

/// Adds a record of kind `T` to a case.
async fn add<T: records::Kind>(svc: &Services, by: &Caller, case_id: &str, record: Value) -> anyhow::Result<()> {
    records::create::<T>(svc, by, case_id, typed(record)?).await.map_err(refused)?;
    Ok(())
}

/// A refusal of the services, as the command line reports it.
pub(super) fn refused(e: homeward_service::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// Creates the service directory and `count` cases; returns the id of the training centre, to
/// which the demo cases' referral packets are sent.
pub async fn create(svc: &Services, by: &Caller, instrument: &Instrument, count: usize) -> anyhow::Result<String> {
    let mut random = Random::new(20261125);
    directory(svc, by).await?;
    super::structures::mentors(svc, by).await?;
    let today = homeward_store::today();
    let provider = provider_id(svc, by, "vocational training").await?;
    for n in 0..count {
        one_case(svc, by, instrument, &provider, &mut random, today, n)
            .await
            .with_context(|| format!("demo case {n}"))?;
    }
    super::communities::create(svc, by, today).await.context("demo communities")?;
    super::structures::create(svc, by).await.context("demo agreements and capacity building")?;
    Ok(provider)
}

async fn directory(svc: &Services, by: &Caller) -> anyhow::Result<()> {
    let entries = [
        json!({"organisation": "Centre de formation professionnelle de Thiès", "services": ["vocational training", "job placement"],
               "dimensions": ["economic"], "country": "SN", "place": "Thiès", "contact": "+221 33 000 00 01",
               "languages": ["fr", "wo"], "last_verified": "2026-06-01"}),
        json!({"organisation": "Clinique psychosociale de Dakar", "services": ["psychological counselling", "mental health"],
               "dimensions": ["psychosocial"], "country": "SN", "place": "Dakar", "languages": ["fr", "wo"],
               "last_verified": "2025-01-15"}),
        json!({"organisation": "Maison de la femme de Kaolack", "services": ["housing support", "legal services"],
               "dimensions": ["social"], "country": "SN", "place": "Kaolack", "languages": ["fr"],
               "last_verified": "2026-09-20"}),
    ];
    let mut added = vec![];
    for e in entries {
        let p = providers::add(svc, by, typed(e)?).await.map_err(refused)?;
        added.push((p.id, p.data.organisation));
    }
    // Referrals send data to the first two under a data-sharing agreement; not to the third.
    super::structures::sharing_agreements(svc, by, &added[..2]).await
}

/// The id of the first provider offering `service`.
async fn provider_id(svc: &Services, by: &Caller, service: &str) -> anyhow::Result<String> {
    let query = ProviderQuery { country: None, place: None, service: Some(service.into()), dimension: None };
    let list = providers::list(svc, by, query).await.map_err(refused)?;
    Ok(list.first().context("the demo directory offers it")?.id.clone())
}

async fn one_case(
    svc: &Services,
    by: &Caller,
    instrument: &Instrument,
    provider: &str,
    random: &mut Random,
    today: NaiveDate,
    n: usize,
) -> anyhow::Result<()> {
    let female = random.chance(0.45);
    let given = if female { random.pick(people::GIVEN_FEMALE) } else { random.pick(people::GIVEN_MALE) };
    // How far the case has come decides how long ago the returnee came back: a case still in
    // assessment returned days ago (its plan is due within the month, as most are), one being
    // closed more than a year ago. So a caseload has most work on track, some due, some overdue.
    let stage = random.below(7);
    let days_back = match stage {
        0 | 1 => 3 + random.below(35),
        2 | 3 => 45 + random.below(120),
        _ => 200 + random.below(500),
    };
    let returned = today.checked_sub_days(Days::new(days_back as u64)).context("date")?;
    let born = NaiveDate::from_ymd_opt(
        1970 + random.below(36) as i32,
        1 + random.below(12) as u32,
        1 + random.below(28) as u32,
    )
    .context("date")?;
    let office = if n.is_multiple_of(2) { "dakar" } else { random.pick(people::OFFICES) };
    // The community of return, from the case's number (no draw: the rest of the demo stays as it was).
    let community = if office == "dakar" { people::DAKAR_COMMUNITIES[n / 2 % 3] } else { "Mbour" };
    let case = cases::register(svc, by, typed(json!({
        "case_manager": if office == "dakar" { super::CASE_MANAGER } else { super::DEMO_USER }, "given_name": given, "family_name": random.pick(people::FAMILY), "sex": if female { "female" } else { "male" },
        "date_of_birth": born, "date_of_return": returned, "country_of_origin": "SN", "office": office,
        "schedule": if random.chance(0.1) { "trafficking" } else { "standard" },
        "profile": {"host_country": random.pick(people::HOST_COUNTRIES), "return_assistance": "assisted",
                    "return_type": if random.chance(0.8) { "voluntary" } else { "forced" },
                    "years_abroad": 1 + random.below(10), "province": random.pick(people::PLACES), "community": community,
                    "returned_to_community_of_origin": random.chance(0.7),
                    "contacts": [format!("+221 77 {:03} {:02} {:02}", random.below(1000), random.below(100), random.below(100))],
                    "languages": ["wo", "fr"], "preferred_staff_gender": "no_preference"}
    }))?).await.map_err(refused)?;
    let case_id = case.id.clone();
    let day = |d: u64| returned.checked_add_days(Days::new(d)).unwrap_or(returned).min(today);

    add::<ConsentRecord>(
        svc,
        by,
        &case_id,
        json!({
        "purpose": "counselling", "method": "written_in_person", "given_on": day(2), "witness": "demo"}),
    )
    .await?;
    add::<ConsentRecord>(
        svc,
        by,
        &case_id,
        json!({
        "purpose": "survey_interview", "method": "written_in_person", "given_on": day(2)}),
    )
    .await?;
    add::<CounsellingSession>(
        svc,
        by,
        &case_id,
        json!({
        "date": day(2), "mode": "in_person", "counsellor": "demo", "notes": "First counselling: process explained."}),
    )
    .await?;
    for _ in 0..random.below(3) {
        add::<HouseholdMember>(
            svc,
            by,
            &case_id,
            json!({
            "name": format!("{} {}", random.pick(people::GIVEN_FEMALE), random.pick(people::FAMILY)),
            "relation": *random.pick(&["daughter", "son", "mother", "spouse"]), "age": 3 + random.below(60),
            "recorded_on": day(3)}),
        )
        .await?;
    }
    if stage == 0 {
        return Ok(());
    }
    // The status follows the work: the assessments start the assessment, the plan's draft the
    // planning, its agreement, the first assistance and the first visit after it the next stages.
    let step = |action: &str, v: i64| typed::<cases::CaseStep>(json!({"action": action, "version": v}));
    add::<VulnerabilityAssessment>(
        svc,
        by,
        &case_id,
        json!({
        "date": day(5), "tool": "rapid_vulnerability_assessment", "phase": "on_arrival", "assessor": "demo",
        "vulnerabilities": if random.chance(0.3) { vec!["health"] } else { vec![] }}),
    )
    .await?;
    add::<SkillsAssessment>(svc, by, &case_id, json!({
        "date": day(6), "skills": ["literacy", "tailoring"], "education_isced": random.below(5), "interests": "open a workshop"})).await?;
    survey(svc, by, instrument, random, &case_id, "baseline", day(7)).await?;
    if stage == 1 {
        return Ok(());
    }
    // Two thirds of the Dakar cases (a third of all) have a mentor from after their baseline survey.
    if matches!(n % 6, 0 | 2) {
        super::structures::mentor_case(svc, by, &case_id, n, day(10), day(30)).await?;
    }
    let plan = plans::draft(svc, by, &case_id, typed(json!({"content": {
        "place_of_return": random.pick(people::PLACES),
        "summary": {"economic": "Start a tailoring workshop.", "social": "School fees for the children.", "psychosocial": "Peer group."},
        "components": [
            {"dimension": "economic", "level": "individual", "intervention": "business_start_up_grant",
             "description": "Sewing machines and fabric", "modality": "in_kind",
             "estimated_cost": {"amount": "450000", "currency": "XOF"}},
            {"dimension": "economic", "level": "individual", "intervention": "vocational_training",
             "description": "Three-month tailoring course", "modality": "service", "needs_referral": true}],
        "goods": [{"item": "Sewing machine", "estimated_cost": {"amount": "300000", "currency": "XOF"}},
                  {"item": "Fabric", "estimated_cost": {"amount": "150000", "currency": "XOF"}}],
        "referrals": [{"agency": "Centre de formation professionnelle de Thiès", "assistance": "Tailoring course"}],
        "monitoring_schedule": "Visits every three months", "estimated_duration_months": 12,
        "exit_strategy": "Workshop self-sustaining; referral to the chamber of trades"}}))?).await.map_err(refused)?;
    let agree = typed(json!({
        "action": "agree", "version": plan.version, "attestation": {"date": day(25), "place": "Dakar",
        "returnee_name": given, "returnee_approved": true, "staff_name": "demo", "staff_approved": true}}))?;
    plans::transition(svc, by, &case_id, &plan.id, agree).await.map_err(refused)?;
    if stage == 2 {
        return Ok(());
    }
    add::<ConsentRecord>(
        svc,
        by,
        &case_id,
        json!({
        "purpose": "share_with_partner", "method": "written_in_person", "given_on": day(26), "partner": provider,
        "plan_version": 1, "fields": ["name", "contacts", "languages"],
        "scope": "name, contacts and languages for the tailoring course"}),
    )
    .await?;
    let referral = referrals::propose(
        svc,
        by,
        &case_id,
        typed(json!({
        "provider": provider, "service_type": "vocational training", "reason": "Three-month tailoring course",
        "plan_version": 1, "data_shared": ["name", "contacts", "languages"]}))?,
    )
    .await
    .map_err(refused)?;
    let referral_id = referral.id.clone();
    let consent = typed(json!({"action": "consent", "version": referral.version, "date": day(26)}))?;
    let r = referrals::step(svc, by, &case_id, &referral_id, consent).await.map_err(refused)?;
    let send = typed(json!({"action": "send", "version": r.version, "date": day(27)}))?;
    referrals::step(svc, by, &case_id, &referral_id, send).await.map_err(refused)?;
    add::<Assistance>(
        svc,
        by,
        &case_id,
        json!({
        "date": day(40), "modality": "in_kind", "value": {"amount": "300000", "currency": "XOF"}, "plan_version": 1,
        "component": 0, "instalment": 1, "instalments": 2, "payee": "supplier", "supplier": "Quincaillerie Ndiaye",
        "handover_certificate": true}),
    )
    .await?;
    if stage == 3 {
        return Ok(());
    }
    add::<FollowUp>(
        svc,
        by,
        &case_id,
        json!({
        "date": day(120), "mode": "face_to_face", "kind": "routine", "notes": "Workshop open; first customers.",
        // The next visit: for most a few weeks ahead, for some today or just past.
        "next_due": today.checked_add_days(Days::new(random.below(40) as u64)).unwrap_or(today)
            .checked_sub_days(Days::new(if random.chance(0.2) { 5 } else { 0 })).unwrap_or(today)
            .max(day(120).succ_opt().unwrap_or(today))}),
    )
    .await?;
    survey(svc, by, instrument, random, &case_id, "intermediate", day(200)).await?;
    if stage <= 4 {
        return Ok(());
    }
    survey(svc, by, instrument, random, &case_id, "final", day(400)).await?;
    let v = cases::read(svc, by, &case_id).await.map_err(refused)?.version;
    let v = cases::transition(svc, by, &case_id, step("begin_closure", v)?).await.map_err(refused)?.version;
    cases::transition(
        svc,
        by,
        &case_id,
        typed(json!({"action": "close", "version": v, "closure": {
        "date": day(420), "reason": "plan_completed", "choice": "voluntary", "timing": "planned", "plan_reviewed": true,
        "exit_interview": "Satisfied; workshop running."}}))?,
    )
    .await
    .map_err(refused)?;
    Ok(())
}

async fn survey(
    svc: &Services,
    by: &Caller,
    instrument: &Instrument,
    random: &mut Random,
    case_id: &str,
    phase: &str,
    date: NaiveDate,
) -> anyhow::Result<()> {
    let answers: serde_json::Map<String, Value> =
        people::rss_answers(instrument, random).into_iter().map(|(q, a)| (q, Value::String(a))).collect();
    surveys::take(
        svc,
        by,
        case_id,
        typed(json!({
        "phase": phase, "date": date, "consent": "yes", "answers": answers, "location": "office"}))?,
    )
    .await
    .map_err(refused)?;
    Ok(())
}
