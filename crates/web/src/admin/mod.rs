//! Administration: accounts and roles, offices, the service directory, and (to read) the
//! feasibility catalogue and timing rules the programme runs on. Every change goes through the
//! operations of `homeward-service`, so who may do it, validation and audit are the API's. The catalogue and the
//! timing rules are versioned data files (`data/programme`): shown here, changed in the files.
//!
//! Also each user's own settings: the language of their pages.

mod accounts;
mod directory;
mod offices;
mod programme;
mod settings;

pub use accounts::{grant_decide, user_change, user_create, user_form, users_list};
pub use directory::{directory, provider_add, provider_edit, provider_form};
pub use offices::{installation_add, installations, office_add, office_edit, office_form, offices};
pub use programme::{grid, programme, rescore, timing};
pub use settings::{set_language, settings};

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::access::Permission;
use homeward_domain::validate::FieldError;

use crate::form_view::{Input, general_problems, inputs};
use crate::forms::{FormDef, Typed};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::Session;
/// The admin pages, as (path, title message), and the permission each needs.
const TABS: [(&str, &str, Permission); 7] = [
    ("users", "accounts", Permission::ManageUsers),
    ("offices", "offices", Permission::ManageUsers),
    ("installations", "partner_installations", Permission::ManageUsers),
    ("directory", "directory", Permission::ManageProviders),
    ("grid", "feasibility_catalogue", Permission::ReadCases),
    ("timing", "timing_rules", Permission::ReadCases),
    ("programme", "programme_settings", Permission::ManageUsers),
];

/// The admin pages `session` may open.
pub fn tabs(session: &Session) -> Vec<(&'static str, &'static str)> {
    let access = &session.caller.access;
    let manages = access.may(Permission::ManageUsers) || access.may(Permission::ManageProviders);
    TABS.iter().filter(|(_, _, p)| manages && access.may(*p)).map(|(path, title, _)| (*path, *title)).collect()
}

/// A row of a list: its cells, and where it is edited (if it is).
pub struct Row {
    pub link: Option<String>,
    pub cells: Vec<String>,
}

/// A list with, under it, the form that adds to it (or a note when read only).
#[derive(Template)]
#[template(path = "admin.html")]
struct ListPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    tabs: Vec<(&'static str, &'static str)>,
    tab: &'static str,
    title: &'a str,
    note: Option<&'a str>,
    headers: Vec<String>,
    rows: Vec<Row>,
    pending: Vec<PendingGrant>,
    /// The form: where it posts, its inputs, its problems not at an input.
    action: String,
    inputs: Vec<Input>,
    general: Vec<String>,
    submit: &'a str,
    has_errors: bool,
}

struct Listing {
    headers: Vec<String>,
    rows: Vec<Row>,
    /// Grants waiting for a second administrator (the accounts page).
    pending: Vec<PendingGrant>,
}

/// A grant waiting for a second administrator, as the accounts page lists it.
pub struct PendingGrant {
    pub id: String,
    pub username: String,
    /// The sections (and emergency sharing) the account will hold, in the user's language.
    pub grants: String,
    pub requested_by: String,
    /// Asked by the signed-in administrator: someone else decides (four eyes).
    pub mine: bool,
}

#[allow(clippy::too_many_arguments)]
fn list_page(
    session: &Session,
    tab: &'static str,
    note: Option<&'static str>,
    listing: Listing,
    form: Option<(&FormDef, String, Option<&Typed>)>,
    errors: &[FieldError],
) -> Response {
    let t = catalogue(&session.caller.language);
    let title = TABS.iter().find(|(p, _, _)| *p == tab).map_or(tab, |(_, title, _)| t.get(title));
    let (action, form_inputs, general) = match form {
        Some((def, action, typed)) => {
            (action, inputs(t, session, def, typed, errors), general_problems(t, def, errors))
        }
        None => (String::new(), vec![], vec![]),
    };
    let page = ListPage {
        t,
        session,
        tabs: tabs(session),
        tab,
        title,
        note: note.map(|n| t.get(n)),
        headers: listing.headers,
        rows: listing.rows,
        pending: listing.pending,
        action,
        inputs: form_inputs,
        general,
        submit: t.get("add_record"),
        has_errors: !errors.is_empty(),
    };
    render(page, if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY })
}

/// One record's edit form.
#[derive(Template)]
#[template(path = "admin_edit.html")]
struct EditPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    tabs: Vec<(&'static str, &'static str)>,
    tab: &'static str,
    title: String,
    action: String,
    back: String,
    version: Option<i64>,
    inputs: Vec<Input>,
    general: Vec<String>,
    has_errors: bool,
}

fn edit_page(
    session: &Session,
    tab: &'static str,
    title: String,
    (form, action, version): (&FormDef, String, Option<i64>),
    typed: &Typed,
    errors: &[FieldError],
) -> Response {
    let t = catalogue(&session.caller.language);
    let page = EditPage {
        t,
        session,
        tabs: tabs(session),
        tab,
        title,
        back: format!("/admin/{tab}"),
        action,
        version,
        inputs: inputs(t, session, form, Some(typed), errors),
        general: general_problems(t, form, errors),
        has_errors: !errors.is_empty(),
    };
    render(page, if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY })
}
