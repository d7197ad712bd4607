//! Accounts and roles: the list with the form that adds one, and each account's edit form.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::account::NewAccount;
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::users::{self, AccountChange};

use super::*;
use crate::form_view::{problems, read};
use crate::forms::{self, Typed, typed_from_json};
use crate::i18n::catalogue;
use crate::layout::refusal;
use crate::session::{Posted, Session};

async fn users_page(state: Services, session: Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let accounts = match users::list(&state, &session.caller).await {
        Ok(a) => a,
        Err(e) => return refusal(t, e),
    };
    let headers = ["f_username", "f_role", "f_office", "f_grants", "f_language", "f_disabled"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = accounts
        .iter()
        .map(|u| {
            let s = u.settings();
            Row {
                link: Some(format!("/admin/users/{}", u.username)),
                cells: vec![
                    u.username.clone(),
                    t.named("role", s.role.name()).to_string(),
                    s.office.clone().or(s.provider.clone()).unwrap_or_default(),
                    s.grants.iter().map(|g| t.named("section", g.name())).collect::<Vec<_>>().join(", "),
                    t.named("language", &s.language).to_string(),
                    if s.disabled { t.get("yes").to_string() } else { String::new() },
                ],
            }
        })
        .collect();
    let pending = users::pending_grants(&state, &session.caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|g| {
            let mut grants: Vec<String> = g.sections.iter().map(|s| t.named("section", s.name()).to_string()).collect();
            if g.emergency_sharing {
                grants.push(t.get("f_emergency_sharing").to_string());
            }
            PendingGrant {
                mine: g.requested_by == session.caller.username || g.username == session.caller.username,
                id: g.id,
                username: g.username,
                grants: grants.join(", "),
                requested_by: g.requested_by,
            }
        })
        .collect();
    let form = (forms::named("account"), "/admin/users".to_string(), typed);
    list_page(&session, "users", None, Listing { headers, rows, pending }, Some(form), &errors)
}

pub async fn users_list(State(state): State<Services>, session: Session) -> Response {
    users_page(state, session, None, vec![]).await
}

pub async fn user_create(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let account = match read::<NewAccount>(forms::named("account"), &typed) {
        Ok(a) => a,
        Err(errors) => return users_page(state, session, Some(&typed), errors).await,
    };
    match users::create(&state, &session.caller, account).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => users_page(state, session, Some(&typed), errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

pub async fn user_form(State(state): State<Services>, session: Session, Path(username): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let accounts = match users::list(&state, &session.caller).await {
        Ok(a) => a,
        Err(e) => return refusal(t, e),
    };
    let Some(account) = accounts.iter().find(|u| u.username == username) else {
        return refusal(t, ServiceError::NotFound);
    };
    let form = forms::named("account_change");
    let typed = typed_from_json(form, &serde_json::to_value(account.settings()).unwrap_or_default());
    let title = format!("{} · {}", t.get("change_account"), username);
    edit_page(&session, "users", title, (form, format!("/admin/users/{username}"), None), &typed, &[])
}

pub async fn user_change(
    State(state): State<Services>,
    session: Session,
    Path(username): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let t = catalogue(&session.caller.language);
    let form = forms::named("account_change");
    let title = format!("{} · {}", t.get("change_account"), username);
    let again = |errors: Vec<FieldError>| {
        edit_page(&session, "users", title.clone(), (form, format!("/admin/users/{username}"), None), &typed, &errors)
    };
    let change = match read::<AccountChange>(form, &typed) {
        Ok(c) => c,
        Err(errors) => return again(errors),
    };
    match users::update(&state, &session.caller, &username, change).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => again(errors),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

/// A second administrator approves or refuses a pending grant.
pub async fn grant_decide(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let approve = forms::value(&typed, "approve") == "yes";
    match users::decide_grant(&state, &session.caller, &id, users::GrantDecision { approve }).await {
        Ok(_) => Redirect::to("/admin/users#pending-grants").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => users_page(state, session, None, errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::value;
    use homeward_domain::account::AccountSettings;

    #[test]
    fn the_account_forms_make_what_the_api_reads() {
        let typed =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let account: NewAccount = read(
            forms::named("account"),
            &typed(&[
                ("username", "mariama"),
                ("password", "a long enough password"),
                ("role", "case_manager"),
                ("office", "thies"),
                ("grants", "health"),
                ("grants", "psychosocial"),
                ("language", "fr"),
            ]),
        )
        .unwrap();
        assert_eq!(account.grants.len(), 2);
        account.validate().unwrap();
        let change: AccountChange = read(
            forms::named("account_change"),
            &typed(&[("role", "counsellor"), ("language", "en"), ("disabled", "on")]),
        )
        .unwrap();
        assert!(change.disabled && change.password.is_none());
        let settings: AccountSettings =
            serde_json::from_value(serde_json::to_value(change.settings()).unwrap()).unwrap();
        let round = typed_from_json(forms::named("account_change"), &serde_json::to_value(&settings).unwrap());
        assert_eq!(value(&round, "disabled"), "on");
        assert_eq!(value(&round, "password"), "", "a password is never put back in a form");
    }
}
