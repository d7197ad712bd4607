//! Taking an RSS survey in the browser, one screen per dimension: first the phase, date and
//! consent, then each dimension's questions in the user's language (skip logic applied live by a
//! small script, and by the server either way), then a review that says, before anything is
//! saved, whether the survey will be scored, or kept unscored because consent was refused or
//! questions are unanswered (and which). Once saved, the scores with their bands and the
//! profile's name. Answers of the other screens travel in hidden inputs, so nothing is stored
//! before the survey is saved and it works without JavaScript.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::Named;
use homeward_domain::survey::SurveyPhase;
use homeward_rss::QuestionKind;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::views::SurveyView;
use homeward_service::{cases, surveys};

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

struct ChoiceView {
    code: String,
    label: String,
    checked: bool,
    /// Stands alone: ticking it unticks the others (Q8 `no`, Q32 `no_one`).
    exclusive: bool,
}

struct QuestionView {
    id: String,
    label: String,
    hint: Option<String>,
    /// `radio` or `checkbox`.
    input: &'static str,
    choices: Vec<ChoiceView>,
    /// (gate question, gate code, gate choice label): asked only when the gate has that answer.
    gate: Option<(String, String, String)>,
    error: Option<String>,
}

struct DimensionView {
    label: String,
    questions: Vec<QuestionView>,
}

/// What the review screen says before saving.
struct Review {
    consent_given: bool,
    /// Questions that apply but have no answer: (id, label, the screen it is on).
    unanswered: Vec<(String, String, usize)>,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case_id: String,
    case_number: String,
    phases: Vec<&'static str>,
    phase: String,
    date: String,
    consent: String,
    consent_label: String,
    consent_yes: String,
    consent_no: String,
    consent_error: Option<String>,
    dimensions: Vec<DimensionView>,
    message: Option<String>,
    /// The screen shown: 0 the start, 1..=dimensions one dimension each, then the review.
    screen: usize,
    /// The screens' names, for the steps shown at the top.
    screens: Vec<String>,
    /// Answers given on other screens, carried as hidden inputs.
    carried: Vec<(String, String)>,
    review: Option<Review>,
}

/// What was submitted: the fields as pairs, a multiple-choice question once per ticked box.
type Pairs = Vec<(String, String)>;

fn page(
    state: &Services,
    session: &Session,
    case_id: &str,
    case_number: &str,
    form: &Pairs,
    error: Option<(String, String)>,
    screen: usize,
) -> Response {
    let t = catalogue(&session.caller.language);
    let lang = t.code.as_str();
    let text = |l: &homeward_rss::Labels| l.get(lang).or_else(|| l.get("en")).unwrap_or("").to_string();
    let value = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let instrument = state.scorer.instrument();
    let field_error = |field: &str| error.as_ref().filter(|(f, _)| f == field).map(|(_, m)| m.clone());
    let dimensions = instrument
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dimension)| DimensionView {
            label: text(&dimension.label),
            questions: instrument
                .questions
                .iter()
                .filter(|q| q.dimension == d && !matches!(q.kind, QuestionKind::Derived { .. }))
                .map(|q| QuestionView {
                    id: q.id.clone(),
                    label: text(&q.label),
                    hint: q.hint.as_ref().map(text).filter(|h| !h.is_empty()),
                    input: if q.kind == QuestionKind::SelectMultiple { "checkbox" } else { "radio" },
                    choices: q
                        .choices
                        .iter()
                        .map(|c| ChoiceView {
                            code: c.code.clone(),
                            label: text(&c.label),
                            checked: form.iter().any(|(k, v)| *k == q.id && *v == c.code),
                            exclusive: c.exclusive,
                        })
                        .collect(),
                    gate: q.relevant.map(|r| {
                        let gate = &instrument.questions[r.question];
                        (gate.id.clone(), gate.choices[r.choice].code.clone(), text(&gate.choices[r.choice].label))
                    }),
                    error: field_error(&format!("answers.{}", q.id)),
                })
                .collect(),
        })
        .collect();
    let phase = value("phase");
    let review_screen = instrument.dimensions.len() + 1;
    let screen = screen.min(review_screen);
    // Answers of questions not on this screen travel hidden; the start screen's own fields
    // (phase, date, consent) likewise when another screen is shown.
    let on_screen = |key: &str| match instrument.question(key) {
        Some(q) => screen == q.dimension + 1,
        None => screen == 0,
    };
    let mut carried: Vec<(String, String)> = form
        .iter()
        .filter(|(k, _)| (k.starts_with('Q') || ["phase", "date", "consent"].contains(&k.as_str())) && !on_screen(k))
        .cloned()
        .collect();
    // One key for the whole survey, from its first screen to saving: a second click on Save
    // (or a retry on a poor link) stores one survey.
    let key =
        form.iter().find(|(k, _)| k == crate::session::ONCE).map_or_else(crate::session::new_once, |(_, v)| v.clone());
    carried.push((crate::session::ONCE.to_string(), key));
    let mut screens = vec![t.get("survey_start").to_string()];
    screens.extend(instrument.dimensions.iter().map(|d| text(&d.label)));
    screens.push(t.get("survey_review").to_string());
    let review = (screen == review_screen).then(|| Review {
        consent_given: value("consent") == "yes",
        unanswered: unanswered(instrument, form)
            .into_iter()
            .map(|q| (q.id.clone(), text(&q.label), q.dimension + 1))
            .collect(),
    });
    let page = SurveyPage {
        t,
        session,
        case_id: case_id.to_string(),
        case_number: case_number.to_string(),
        phases: SurveyPhase::ALL.iter().map(|p| p.name()).collect(),
        phase: if phase.is_empty() { "baseline".into() } else { phase },
        date: {
            let d = value("date");
            if d.is_empty() { homeward_store::today().to_string() } else { d }
        },
        consent: value("consent"),
        consent_label: text(&instrument.consent.label),
        consent_yes: text(&instrument.consent.yes),
        consent_no: text(&instrument.consent.no),
        consent_error: field_error("consent"),
        message: error.as_ref().map(|(_, m)| m.clone()),
        dimensions,
        screen,
        screens,
        carried,
        review,
    };
    let status = if page.message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(page, status)
}

async fn case_number(state: &Services, session: &Session, id: &str) -> Result<String, Response> {
    cases::read(state, &session.caller, id).await.map(|c| c.case_number.clone()).map_err(crate::layout::failure)
}

/// The questions that apply (no gate, or the gate has its answer) but have no answer.
fn unanswered<'i>(instrument: &'i homeward_rss::Instrument, form: &Pairs) -> Vec<&'i homeward_rss::Question> {
    let answered = |id: &str, code: Option<&str>| form.iter().any(|(k, v)| k == id && code.is_none_or(|c| v == c));
    instrument
        .questions
        .iter()
        .filter(|q| !matches!(q.kind, QuestionKind::Derived { .. }))
        .filter(|q| {
            q.relevant.is_none_or(|r| {
                let gate = &instrument.questions[r.question];
                answered(&gate.id, Some(&gate.choices[r.choice].code))
            })
        })
        .filter(|q| !answered(&q.id, None))
        .collect()
}

/// The screen a problem's field is on: a question's dimension, else the start.
fn screen_of(instrument: &homeward_rss::Instrument, field: &str) -> usize {
    field.strip_prefix("answers.").and_then(|q| instrument.question(q)).map_or(0, |q| q.dimension + 1)
}

pub async fn form(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    match case_number(&state, &session, &id).await {
        Ok(number) => page(&state, &session, &id, &number, &vec![], None, 0),
        Err(response) => response,
    }
}

#[derive(Template)]
#[template(path = "survey_result.html")]
struct ResultPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case_id: String,
    case_number: String,
    status: homeward_rss::Status,
    reason: Option<String>,
    scores: Vec<(&'static str, String, Option<String>)>,
    low_accuracy: bool,
    profile: String,
    profile_status: homeward_rss::ProfileStatus,
}

pub async fn save(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(form): Posted,
) -> Response {
    let number = match case_number(&state, &session, &id).await {
        Ok(n) => n,
        Err(response) => return response,
    };
    let instrument = state.scorer.instrument();
    let review_screen = instrument.dimensions.len() + 1;
    let screen: usize = form.iter().find(|(k, _)| k == "screen").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let consent_given = form.iter().any(|(k, v)| k == "consent" && v == "yes");
    let go = form.iter().find(|(k, _)| k == "go").map_or("save", |(_, v)| v.as_str());
    let target = match go {
        // Without consent no question is asked: straight to the review, and back to the start.
        "next" if screen == 0 && !consent_given => Some(review_screen),
        "next" => Some(screen + 1),
        "back" if screen == review_screen && !consent_given => Some(0),
        "back" => Some(screen.saturating_sub(1)),
        other => other.strip_prefix("to-").and_then(|n| n.parse().ok()),
    };
    if let Some(target) = target {
        return page(&state, &session, &id, &number, &form, None, target);
    }
    // Saving with questions unanswered is a separate, deliberate step: never one click away.
    let incomplete_confirmed = form.iter().any(|(k, v)| k == "incomplete" && v == "1");
    if consent_given && !incomplete_confirmed && !unanswered(instrument, &form).is_empty() {
        let t = catalogue(&session.caller.language);
        let message = ("incomplete".to_string(), t.get("survey_unanswered_confirm").to_string());
        let mut response = page(&state, &session, &id, &number, &form, Some(message), review_screen);
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &form {
        if k.starts_with('Q') {
            answers.entry(k.clone()).or_default().push(v.clone());
        }
    }
    let value = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let json = serde_json::json!({
        "phase": value("phase"),
        "date": value("date"),
        "consent": value("consent"),
        "answers": answers.into_iter().map(|(q, codes)| {
            let multiple = state.scorer.instrument().question(&q).is_some_and(|x| x.kind == QuestionKind::SelectMultiple);
            let answer = if multiple { serde_json::json!(codes) } else { serde_json::json!(codes.join(" ")) };
            (q, answer)
        }).collect::<serde_json::Map<_, _>>(),
    });
    let request = match homeward_service::input::from_json_value::<surveys::SurveyRequest>(json) {
        Ok(r) => r,
        Err(ServiceError::Invalid(m, fields)) => {
            // The problem in the user's language, by its code.
            let t = catalogue(&session.caller.language);
            let m = fields.first().map_or_else(|| t.problem(&m), |f| t.field_problem(f));
            let field = fields.first().map(|f| f.field.clone()).unwrap_or_default();
            let screen = screen_of(instrument, &field);
            return page(&state, &session, &id, &number, &form, Some((field, m)), screen);
        }
        Err(e) => return crate::layout::failure(e),
    };
    match surveys::take_once(&state, &session.caller, &id, request, crate::session::once_of(&form)).await {
        Ok(view) => result(&session, &id, &number, &view),
        Err(ServiceError::Invalid(m, fields)) => {
            // The problem in the user's language, by its code.
            let t = catalogue(&session.caller.language);
            let m = fields.first().map_or_else(|| t.problem(&m), |f| t.field_problem(f));
            let field = fields.first().map(|f| f.field.clone()).unwrap_or_default();
            let screen = screen_of(instrument, &field);
            page(&state, &session, &id, &number, &form, Some((field, m)), screen)
        }
        Err(e) => crate::layout::failure(e),
    }
}

fn result(session: &Session, case_id: &str, number: &str, view: &SurveyView) -> Response {
    let t = catalogue(&session.caller.language);
    let s = &view.scores;
    let score = |x: Option<f64>| x.map_or(String::new(), |v| t.number(&v, 2));
    let page = ResultPage {
        t,
        session,
        case_id: case_id.to_string(),
        case_number: number.to_string(),
        status: s.status,
        reason: s.reason.clone(),
        scores: vec![
            ("economic", score(s.economic), s.economic_band.map(|b| b.as_str().to_string())),
            ("social", score(s.social), s.social_band.map(|b| b.as_str().to_string())),
            ("psychosocial", score(s.psychosocial), s.psychosocial_band.map(|b| b.as_str().to_string())),
            ("composite", score(s.composite), s.composite_band.map(|b| b.as_str().to_string())),
        ],
        low_accuracy: s.low_accuracy,
        profile: s.profile.clone(),
        profile_status: s.profile_status,
    };
    render(page, StatusCode::CREATED)
}
