//! An office's stakeholder map in the web app: the matrix as a table, and the same stakeholders
//! placed on an influence by interest grid (a drawing, with the table as its words), and the form
//! that maps one more. The page prints as the map.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::community::{Degree, Stakeholder};
use homeward_domain::validate::FieldError;
use homeward_service::Services;
use homeward_service::stakeholders::{self, StakeholderView};

use crate::form_view::{Input, general_problems, inputs, problems, read};
use crate::forms::{self, Typed};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::{refusal, render};
use crate::session::{Posted, Session};

pub fn routes() -> Router<Services> {
    Router::new().route("/stakeholders", get(show).post(add))
}

/// A stakeholder's place on the grid: its cell (column by interest, row by influence, high at the
/// top) and its line in the cell.
pub struct Dot {
    pub x: u32,
    pub y: u32,
    pub name: String,
    pub stance: &'static str,
}

#[derive(Template)]
#[template(path = "stakeholders.html")]
struct StakeholdersPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    map: Vec<StakeholderView>,
    dots: Vec<Dot>,
    inputs: Vec<Input>,
    general: Vec<String>,
    has_errors: bool,
}

/// The grid's cells are 200 wide and 120 high, after a margin of 40 for the axes' words.
fn dots(map: &[StakeholderView]) -> Vec<Dot> {
    let step = |d: Degree| match d {
        Degree::Low => 0,
        Degree::Medium => 1,
        Degree::High => 2,
    };
    let mut taken = [[0u32; 3]; 3];
    map.iter()
        .map(|s| {
            let (col, row) = (step(s.stakeholder.interest), 2 - step(s.stakeholder.influence));
            let line = taken[row][col];
            taken[row][col] += 1;
            Dot {
                x: 40 + col as u32 * 200 + 8,
                y: row as u32 * 120 + 20 + (line % 6) * 17,
                name: s.stakeholder.name.chars().take(24).collect(),
                stance: s.stakeholder.stance.name(),
            }
        })
        .collect()
}

async fn page(state: &Services, session: &Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let map = match stakeholders::list(state, &session.caller).await {
        Ok(m) => m,
        Err(e) => return refusal(t, e),
    };
    let def = forms::named("stakeholder");
    let may_map = session.caller.access.may(Permission::ManageCommunity);
    let mut form = if may_map { inputs(t, session, def, typed, &errors) } else { Vec::new() };
    if typed.is_none()
        && let (Some(office), Some(input)) =
            (&session.caller.access.office, form.iter_mut().find(|i| i.name == "office"))
    {
        input.value = office.clone();
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = StakeholdersPage {
        t,
        session,
        dots: dots(&map),
        map,
        inputs: form,
        general: general_problems(t, def, &errors),
        has_errors: !errors.is_empty(),
    };
    render(page, status)
}

/// `GET /stakeholders`: the map of the user's offices.
pub async fn show(State(state): State<Services>, session: Session) -> Response {
    page(&state, &session, None, vec![]).await
}

/// `POST /stakeholders`: maps one more.
pub async fn add(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let stakeholder = match read::<Stakeholder>(forms::named("stakeholder"), &typed) {
        Ok(s) => s,
        Err(errors) => return page(&state, &session, Some(&typed), errors).await,
    };
    match stakeholders::create(&state, &session.caller, stakeholder).await {
        Ok(_) => Redirect::to("/stakeholders").into_response(),
        Err(homeward_service::ServiceError::Forbidden(why)) => {
            page(&state, &session, Some(&typed), vec![FieldError::new("office", why)]).await
        }
        Err(e) => match problems(e) {
            Some(errors) => page(&state, &session, Some(&typed), errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}
