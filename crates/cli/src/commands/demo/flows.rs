//! Demo cases created through the API, each taken some way along the handbook's path.

use anyhow::{Context, bail};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Days, NaiveDate};
use homeward_rss::Instrument;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::people;
use super::random::Random;

/// Sends one request to the app in-process; fails on any status but `expect`.
async fn call(
    app: &Router,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    expect: StatusCode,
) -> anyhow::Result<Value> {
    let mut request =
        Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = match body {
        Some(v) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(request.body(body)?).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await?;
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status != expect {
        bail!("{method} {path}: expected {expect}, got {status}: {value}");
    }
    Ok(value)
}

fn id(v: &Value) -> anyhow::Result<String> {
    v["id"].as_str().map(str::to_string).context("no id in answer")
}

fn version(v: &Value) -> i64 {
    v["version"].as_i64().unwrap_or(1)
}

/// Creates the service directory and `count` cases; returns the id of the training centre, to
/// which the demo cases' referral packets are sent.
pub async fn create(app: Router, token: &str, instrument: &Instrument, count: usize) -> anyhow::Result<String> {
    let mut random = Random::new(20261125);
    providers(&app, token).await?;
    let today = homeward_store::today();
    let provider = provider_id(&app, token, "vocational training").await?;
    for n in 0..count {
        one_case(&app, token, instrument, &provider, &mut random, today, n)
            .await
            .with_context(|| format!("demo case {n}"))?;
    }
    Ok(provider)
}

async fn providers(app: &Router, token: &str) -> anyhow::Result<()> {
    let entries = [
        json!({"organisation": "Centre de formation professionnelle de Thiès", "services": ["vocational training", "job placement"],
               "dimensions": ["economic"], "country": "SN", "place": "Thiès", "contact": "+221 33 000 00 01",
               "languages": ["fr", "wo"], "data_sharing_agreement": true, "last_verified": "2026-06-01"}),
        json!({"organisation": "Clinique psychosociale de Dakar", "services": ["psychological counselling", "mental health"],
               "dimensions": ["psychosocial"], "country": "SN", "place": "Dakar", "languages": ["fr", "wo"],
               "data_sharing_agreement": true, "last_verified": "2025-01-15"}),
        json!({"organisation": "Maison de la femme de Kaolack", "services": ["housing support", "legal services"],
               "dimensions": ["social"], "country": "SN", "place": "Kaolack", "languages": ["fr"],
               "data_sharing_agreement": false, "last_verified": "2026-09-20"}),
    ];
    for e in entries {
        call(app, token, "POST", "/api/v1/providers", Some(e), StatusCode::CREATED).await?;
    }
    Ok(())
}

/// The id of the first provider offering `service`.
async fn provider_id(app: &Router, token: &str, service: &str) -> anyhow::Result<String> {
    let list = call(
        app,
        token,
        "GET",
        &format!("/api/v1/providers?service={}", service.replace(' ', "%20")),
        None,
        StatusCode::OK,
    )
    .await?;
    id(&list[0])
}

async fn one_case(
    app: &Router,
    token: &str,
    instrument: &Instrument,
    provider: &str,
    random: &mut Random,
    today: NaiveDate,
    n: usize,
) -> anyhow::Result<()> {
    let female = random.chance(0.45);
    let given = if female { random.pick(people::GIVEN_FEMALE) } else { random.pick(people::GIVEN_MALE) };
    let returned = today.checked_sub_days(Days::new(30 + random.below(700) as u64)).context("date")?;
    let born = NaiveDate::from_ymd_opt(
        1970 + random.below(36) as i32,
        1 + random.below(12) as u32,
        1 + random.below(28) as u32,
    )
    .context("date")?;
    let office = if n.is_multiple_of(2) { "dakar" } else { random.pick(people::OFFICES) };
    let case = call(app, token, "POST", "/api/v1/cases", Some(json!({
        "given_name": given, "family_name": random.pick(people::FAMILY), "sex": if female { "female" } else { "male" },
        "date_of_birth": born, "date_of_return": returned, "country_of_origin": "SN", "office": office,
        "schedule": if random.chance(0.1) { "trafficking" } else { "standard" },
        "profile": {"host_country": random.pick(people::HOST_COUNTRIES), "return_assistance": "assisted",
                    "return_type": if random.chance(0.8) { "voluntary" } else { "forced" },
                    "years_abroad": 1 + random.below(10), "province": random.pick(people::PLACES),
                    "returned_to_community_of_origin": random.chance(0.7),
                    "contacts": [format!("+221 77 {:03} {:02} {:02}", random.below(1000), random.below(100), random.below(100))],
                    "languages": ["wo", "fr"], "preferred_staff_gender": "no_preference"}
    })), StatusCode::CREATED).await?;
    let case_id = id(&case)?;
    let base = format!("/api/v1/cases/{case_id}");
    let day = |d: u64| returned.checked_add_days(Days::new(d)).unwrap_or(returned).min(today);
    let mut v = version(&case);
    let stage = random.below(7);

    call(
        app,
        token,
        "POST",
        &format!("{base}/consents"),
        Some(json!({
        "purpose": "counselling", "method": "written_in_person", "given_on": day(2), "witness": "demo"})),
        StatusCode::CREATED,
    )
    .await?;
    call(
        app,
        token,
        "POST",
        &format!("{base}/consents"),
        Some(json!({
        "purpose": "survey_interview", "method": "written_in_person", "given_on": day(2)})),
        StatusCode::CREATED,
    )
    .await?;
    call(
        app,
        token,
        "POST",
        &format!("{base}/counselling-sessions"),
        Some(json!({
        "date": day(2), "mode": "in_person", "counsellor": "demo", "notes": "First counselling: process explained."})),
        StatusCode::CREATED,
    )
    .await?;
    for _ in 0..random.below(3) {
        call(
            app,
            token,
            "POST",
            &format!("{base}/household-members"),
            Some(json!({
            "name": format!("{} {}", random.pick(people::GIVEN_FEMALE), random.pick(people::FAMILY)),
            "relation": *random.pick(&["daughter", "son", "mother", "spouse"]), "age": 3 + random.below(60),
            "recorded_on": day(3)})),
            StatusCode::CREATED,
        )
        .await?;
    }
    if stage == 0 {
        return Ok(());
    }
    let step = |action: &str, v: i64| json!({"action": action, "version": v});
    v = version(
        &call(app, token, "POST", &format!("{base}/transitions"), Some(step("start_assessment", v)), StatusCode::OK)
            .await?,
    );
    call(
        app,
        token,
        "POST",
        &format!("{base}/vulnerability-assessments"),
        Some(json!({
        "date": day(5), "tool": "rapid_vulnerability_assessment", "phase": "on_arrival", "assessor": "demo",
        "vulnerabilities": if random.chance(0.3) { vec!["health"] } else { vec![] }})),
        StatusCode::CREATED,
    )
    .await?;
    call(app, token, "POST", &format!("{base}/skills-assessments"), Some(json!({
        "date": day(6), "skills": ["literacy", "tailoring"], "education_isced": random.below(5), "interests": "open a workshop"})),
        StatusCode::CREATED).await?;
    survey(app, token, instrument, random, &base, "baseline", day(7)).await?;
    if stage == 1 {
        return Ok(());
    }
    v = version(
        &call(app, token, "POST", &format!("{base}/transitions"), Some(step("start_planning", v)), StatusCode::OK)
            .await?,
    );
    let plan = call(app, token, "POST", &format!("{base}/plans"), Some(json!({"content": {
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
        "exit_strategy": "Workshop self-sustaining; referral to the chamber of trades"}})), StatusCode::CREATED).await?;
    let plan_id = id(&plan)?;
    call(
        app,
        token,
        "POST",
        &format!("{base}/plans/{plan_id}/transitions"),
        Some(json!({
        "action": "agree", "version": version(&plan), "attestation": {"date": day(25), "place": "Dakar",
        "returnee_name": given, "returnee_approved": true, "staff_name": "demo", "staff_approved": true}})),
        StatusCode::OK,
    )
    .await?;
    v += 1;
    if stage == 2 {
        return Ok(());
    }
    v = version(
        &call(app, token, "POST", &format!("{base}/transitions"), Some(step("start_assistance", v)), StatusCode::OK)
            .await?,
    );
    call(
        app,
        token,
        "POST",
        &format!("{base}/consents"),
        Some(json!({
        "purpose": "share_with_partner", "method": "written_in_person", "given_on": day(26), "partner": provider,
        "plan_version": 1, "scope": "name, contacts and languages for the tailoring course"})),
        StatusCode::CREATED,
    )
    .await?;
    let referral = call(
        app,
        token,
        "POST",
        &format!("{base}/referrals"),
        Some(json!({
        "provider": provider, "service_type": "vocational training", "reason": "Three-month tailoring course",
        "plan_version": 1, "data_shared": ["name", "contacts", "languages"]})),
        StatusCode::CREATED,
    )
    .await?;
    let referral_id = id(&referral)?;
    let r = call(
        app,
        token,
        "POST",
        &format!("{base}/referrals/{referral_id}/transitions"),
        Some(json!({
        "action": "consent", "version": version(&referral), "date": day(26)})),
        StatusCode::OK,
    )
    .await?;
    call(
        app,
        token,
        "POST",
        &format!("{base}/referrals/{referral_id}/transitions"),
        Some(json!({
        "action": "send", "version": version(&r), "date": day(27)})),
        StatusCode::OK,
    )
    .await?;
    call(
        app,
        token,
        "POST",
        &format!("{base}/assistance"),
        Some(json!({
        "date": day(40), "modality": "in_kind", "value": {"amount": "300000", "currency": "XOF"}, "plan_version": 1,
        "component": 0, "instalment": 1, "instalments": 2, "payee": "supplier", "supplier": "Quincaillerie Ndiaye",
        "handover_certificate": true})),
        StatusCode::CREATED,
    )
    .await?;
    if stage == 3 {
        return Ok(());
    }
    call(
        app,
        token,
        "POST",
        &format!("{base}/follow-ups"),
        Some(json!({
        "date": day(120), "mode": "face_to_face", "kind": "routine", "notes": "Workshop open; first customers."})),
        StatusCode::CREATED,
    )
    .await?;
    v = version(
        &call(app, token, "POST", &format!("{base}/transitions"), Some(step("start_monitoring", v)), StatusCode::OK)
            .await?,
    );
    survey(app, token, instrument, random, &base, "intermediate", day(200)).await?;
    if stage <= 4 {
        return Ok(());
    }
    survey(app, token, instrument, random, &base, "final", day(400)).await?;
    v = version(
        &call(app, token, "POST", &format!("{base}/transitions"), Some(step("begin_closure", v)), StatusCode::OK)
            .await?,
    );
    call(
        app,
        token,
        "POST",
        &format!("{base}/transitions"),
        Some(json!({"action": "close", "version": v, "closure": {
        "date": day(420), "reason": "plan_completed", "choice": "voluntary", "timing": "planned", "plan_reviewed": true,
        "exit_interview": "Satisfied; workshop running."}})),
        StatusCode::OK,
    )
    .await?;
    Ok(())
}

async fn survey(
    app: &Router,
    token: &str,
    instrument: &Instrument,
    random: &mut Random,
    base: &str,
    phase: &str,
    date: NaiveDate,
) -> anyhow::Result<()> {
    let answers: serde_json::Map<String, Value> =
        people::rss_answers(instrument, random).into_iter().map(|(q, a)| (q, Value::String(a))).collect();
    call(
        app,
        token,
        "POST",
        &format!("{base}/surveys"),
        Some(json!({
        "phase": phase, "date": date, "consent": "yes", "answers": answers, "location": "office"})),
        StatusCode::CREATED,
    )
    .await?;
    Ok(())
}
