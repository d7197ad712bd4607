//! A returnee's own file, printable in their language and downloadable as JSON: what a case
//! manager hands over when the returnee asks for the data Homeward holds about them. Every part
//! is laid out from the file's data as it is (field by field, each with its label), so nothing
//! held is left off the printout that the machine-readable file has.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_service::Services;
use homeward_service::own_file::{self, OwnFile, OwnFileQuery};
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::Session;

#[derive(Debug, Default, Deserialize)]
pub struct OwnFileParams {
    /// The language to print in (default: the returnee's, else the user's).
    #[serde(default)]
    lang: Option<String>,
    /// `1` when the returnee asks for their medical records too.
    #[serde(default)]
    medical: Option<String>,
}

/// One part of the file: its title and its items, each as (label, value) lines.
struct Part {
    title: String,
    items: Vec<Vec<(String, String)>>,
}

/// A table of the summary: what the returnee asked about, in a few columns of their language.
struct Table {
    id: &'static str,
    title: String,
    /// A line above the table (the plan's version and state, the scores' profile).
    note: Option<String>,
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "own_file.html")]
struct OwnFilePage<'a> {
    t: &'a Catalogue,
    case_id: String,
    case_number: String,
    produced: String,
    medical: bool,
    /// The summary first: who the returnee is, then the tables of what they asked about.
    about: Vec<(String, String)>,
    tables: Vec<Table>,
    parts: Vec<Part>,
    left_out: Vec<String>,
    languages: Vec<(&'static str, &'static str)>,
}

async fn produce(state: &Services, session: &Session, id: &str, p: &OwnFileParams) -> Result<OwnFile, Response> {
    let own = catalogue(&session.caller.language);
    let query = OwnFileQuery { medical: p.medical.as_deref() == Some("1") };
    own_file::produce(state, &session.caller, id, query).await.map_err(|e| crate::layout::refusal(own, e))
}

/// `GET /cases/{id}/own-file`: the printable file.
pub async fn page(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Query(p): Query<OwnFileParams>,
) -> Response {
    let file = match produce(&state, &session, &id, &p).await {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let t = crate::plan::print_catalogue(p.lang.as_deref(), &file.case.profile.languages, &session.caller.language);
    let whole = serde_json::to_value(&file).unwrap_or(Value::Null);
    let parts = [
        ("own_file_profile", "case"),
        ("own_file_household", "household"),
        ("own_file_consents", "consents"),
        ("own_file_counselling", "counselling"),
        ("own_file_vulnerability", "vulnerability_assessments"),
        ("own_file_risk", "risk_assessments"),
        ("own_file_skills", "skills_assessments"),
        ("own_file_plans", "plans"),
        ("own_file_referrals", "referrals"),
        ("own_file_assistance", "assistance"),
        ("own_file_follow_ups", "follow_ups"),
        ("own_file_unmet_needs", "unmet_needs"),
        ("own_file_surveys", "surveys"),
        ("own_file_sensitive", "sensitive_notes"),
    ]
    .into_iter()
    .map(|(title, key)| Part { title: t.get(title).to_string(), items: items(t, &whole[key]) })
    .collect();
    let (about, tables) = summary(t, &file);
    let page = OwnFilePage {
        t,
        about,
        tables,
        case_id: file.case.id.clone(),
        case_number: file.case.case_number.clone(),
        produced: format!("{} · {}", file.produced_at.format("%Y-%m-%d %H:%M"), file.produced_by),
        medical: p.medical.as_deref() == Some("1"),
        parts,
        left_out: file.left_out.clone(),
        languages: crate::i18n::languages().map(|c| (c, catalogue(c).language.as_str())).collect(),
    };
    render(page, StatusCode::OK)
}

/// The summary of the file: who the returnee is, their consents, their plan, the assistance they
/// received, the referrals made for them and to whom, and their surveys with scores: laid out
/// for them to read, every code in words of their language. The field-by-field parts follow it.
fn summary(t: &Catalogue, f: &OwnFile) -> (Vec<(String, String)>, Vec<Table>) {
    use homeward_domain::Named;
    let c = &f.case;
    let date = |d: &chrono::NaiveDate| t.date(d);
    let instant = |text: &str| t.date_text(text);
    let country = |code: &str| match code.parse::<homeward_domain::reference::CountryCode>() {
        Ok(country) => format!("{} ({code})", country.name()),
        Err(_) => code.to_string(),
    };
    let name = [c.given_name.as_deref(), c.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let mut about =
        vec![(t.get("own_file_name").to_string(), name), (t.get("case_number").to_string(), c.case_number.clone())];
    if let Some(born) = &c.date_of_birth {
        about.push((t.get("date_of_birth").to_string(), date(born)));
    }
    about.extend([
        (t.get("f_sex").to_string(), t.named("sex", c.sex.name()).to_string()),
        (t.get("date_of_return").to_string(), date(&c.date_of_return)),
        (t.get("f_country_of_origin").to_string(), country(&c.country_of_origin)),
        (t.get("office").to_string(), c.office.clone()),
        (t.get("case_manager").to_string(), c.case_manager.clone()),
        (t.get("status").to_string(), t.named("status", c.status.name()).to_string()),
    ]);
    let heads = |keys: &[&str]| keys.iter().map(|k| t.get(k).to_string()).collect::<Vec<_>>();
    let mut tables = Vec::new();
    tables.push(Table {
        id: "summary-consents",
        title: t.get("own_file_consents").to_string(),
        note: None,
        head: heads(&["own_file_purpose", "own_file_given_on", "own_file_withdrawn_on", "own_file_shared_with"]),
        rows: f
            .consents
            .iter()
            .map(|r| {
                let d = &r.data;
                vec![
                    t.named("purpose", d.purpose.name()).to_string(),
                    date(&d.given_on),
                    d.withdrawn_on.as_ref().map_or_else(|| t.get("own_file_in_force").to_string(), date),
                    d.partner.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    });
    let plan = f.plans.iter().max_by_key(|p| p.plan_version);
    tables.push(Table {
        id: "summary-plan",
        title: t.get("own_file_plans").to_string(),
        note: plan.map(|p| {
            format!("{} {} · {}", t.get("own_file_plan_version"), p.plan_version, t.named("plan_state", p.state.name()))
        }),
        head: heads(&["own_file_dimension", "own_file_intervention", "own_file_description", "own_file_cost"]),
        rows: plan
            .map(|p| {
                p.content
                    .components
                    .iter()
                    .map(|k| {
                        vec![
                            t.named("dimension", k.dimension.name()).to_string(),
                            k.intervention.clone(),
                            k.description.clone(),
                            k.estimated_cost
                                .as_ref()
                                .map(|a| format!("{} {}", a.amount, a.currency))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    tables.push(Table {
        id: "summary-assistance",
        title: t.get("own_file_assistance").to_string(),
        note: None,
        head: heads(&["own_file_date", "own_file_kind", "own_file_amount", "own_file_description"]),
        rows: f
            .assistance
            .iter()
            .map(|r| {
                let d = &r.data;
                vec![
                    date(&d.date),
                    t.named("modality", d.modality.name()).to_string(),
                    format!("{} {}", d.value.amount, d.value.currency),
                    d.description.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    });
    tables.push(Table {
        id: "summary-referrals",
        title: t.get("own_file_referrals").to_string(),
        note: None,
        head: heads(&["own_file_date", "own_file_to_whom", "own_file_service", "own_file_state"]),
        rows: f
            .referrals
            .iter()
            .map(|r| {
                vec![
                    instant(&r.created_at),
                    f.providers.get(&r.provider_id).cloned().unwrap_or_else(|| r.provider_id.clone()),
                    r.request.service_type.clone(),
                    t.named("referral_state", r.state.name()).to_string(),
                ]
            })
            .collect(),
    });
    let score = |v: Option<f64>| v.map(|v| t.number(&v, 2)).unwrap_or_else(|| "–".into());
    let provisional = f.surveys.iter().any(|s| s.scores.profile_status == homeward_rss::ProfileStatus::Provisional);
    tables.push(Table {
        id: "summary-surveys",
        title: t.get("own_file_surveys").to_string(),
        note: provisional.then(|| t.get("own_file_provisional").to_string()),
        head: heads(&[
            "own_file_date",
            "own_file_round",
            "dimension_economic",
            "dimension_social",
            "dimension_psychosocial",
            "own_file_composite",
        ]),
        rows: f
            .surveys
            .iter()
            .map(|s| {
                let r = &s.scores;
                vec![
                    date(&s.date),
                    t.named("phase", s.phase.name()).to_string(),
                    score(r.economic),
                    score(r.social),
                    score(r.psychosocial),
                    score(r.composite),
                ]
            })
            .collect(),
    });
    (about, tables)
}

/// `GET /cases/{id}/own-file.json`: the same file, machine-readable.
pub async fn json(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Query(p): Query<OwnFileParams>,
) -> Response {
    match produce(&state, &session, &id, &p).await {
        Ok(file) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"homeward-{}.json\"", file.case.case_number),
                ),
            ],
            serde_json::to_string_pretty(&file).unwrap_or_default(),
        )
            .into_response(),
        Err(refused) => refused,
    }
}

/// A part's items as (label, value) lines: one item for an object, one per element for a list;
/// a record's `data` is laid out with its bookkeeping (when, by whom) after it.
fn items(t: &Catalogue, value: &Value) -> Vec<Vec<(String, String)>> {
    match value {
        Value::Array(list) => list.iter().map(|v| lines(t, v)).filter(|l| !l.is_empty()).collect(),
        Value::Object(_) => vec![lines(t, value)].into_iter().filter(|l| !l.is_empty()).collect(),
        _ => Vec::new(),
    }
}

fn lines(t: &Catalogue, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten(t, "", value, &mut out);
    out
}

/// Fields to leave out of a printout: identifiers and bookkeeping nobody reads.
const HIDDEN: &[&str] = &["id", "case_id", "version", "allowed_actions", "survey_id", "plan_id"];

fn flatten(t: &Catalogue, prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if HIDDEN.contains(&k.as_str()) {
                    continue;
                }
                let label = if k == "data" { prefix.to_string() } else { label(t, k) };
                let label = if prefix.is_empty() || k == "data" { label } else { format!("{prefix} · {label}") };
                flatten(t, &label, v, out);
            }
        }
        Value::Array(list) if list.iter().all(|v| !v.is_object() && !v.is_array()) => {
            let joined: Vec<String> = list.iter().map(scalar).filter(|s| !s.is_empty()).collect();
            if !joined.is_empty() {
                out.push((prefix.to_string(), joined.join(", ")));
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                flatten(t, &format!("{prefix} {}", i + 1), v, out);
            }
        }
        Value::Null => {}
        v => {
            let text = scalar(v);
            if !text.is_empty() {
                out.push((prefix.to_string(), text));
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "✓" } else { "✗" }.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// A field's label: its form label where there is one (`f_<name>`), else its name in words.
pub(crate) fn label(t: &Catalogue, key: &str) -> String {
    let named = t.named("f", key);
    if named == key { key.replace('_', " ") } else { named.to_string() }
}
