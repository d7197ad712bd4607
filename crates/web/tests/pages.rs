//! The web app through its pages, as a browser without JavaScript uses it: sign-in with CSRF
//! and cookies, the caseload in the user's language, what a role may not see, sign-out.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use homeward_service::Services;
use homeward_store::Store;
use homeward_store::frames::UserRow;
use homeward_store::query::users;
use tower::ServiceExt;

struct Browser {
    app: Router,
    store: Store,
    /// Moves the journaled reads into the audit log before a test reads it.
    reads: homeward_service::audit::ReadAudit,
    _dir: tempfile::TempDir,
}

/// A response, reduced to what a test looks at.
struct Page {
    status: StatusCode,
    cookies: Vec<String>,
    location: Option<String>,
    body: String,
}

impl Browser {
    async fn new() -> Browser {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("web.db").display())).await.unwrap();
        let instrument = homeward_rss::builtin::instrument();
        let profile = homeward_rss::builtin::provisional_profile(&instrument);
        let state = Services::new(
            store.clone(),
            homeward_rss::Scorer::new(instrument, profile),
            homeward_store::audit::AuditKey::generate().unwrap(),
        );
        let office = |name: &str| homeward_domain::office::Office {
            name: name.into(),
            country: "SN".parse().unwrap(),
            role: homeward_domain::office::OfficeRole::Origin,
            languages: vec!["fr".into()],
            contact: String::new(),
            installation: None,
        };
        let admin = homeward_service::auth::Caller::command_line("test");
        homeward_service::offices::create_missing(&state, &admin, vec![office("dakar"), office("thies")])
            .await
            .unwrap();
        let reads = state.reads.clone();
        Browser { app: homeward_web::app(state), store, reads, _dir: dir }
    }

    async fn user(&self, username: &str, role: &str, office: Option<&str>, language: &str) {
        self.account(username, role, office, None, language).await;
    }

    /// An account with the demo password; `provider` for a partner.
    async fn account(&self, username: &str, role: &str, office: Option<&str>, provider: Option<&str>, language: &str) {
        let mut tx = self.store.begin().await.unwrap();
        let row = UserRow {
            username: username.into(),
            role: homeward_domain::access::Role::from_name(role).expect("a role"),
            office: office.map(str::to_string),
            provider_id: provider.map(homeward_domain::ids::ProviderId::new),
            sections: vec![],
            language: language.into(),
            password_hash: homeward_service::auth::hash_password("correct horse battery").unwrap(),
            disabled: false,
            created_at: homeward_store::now(),
            emergency_sharing: false,
        };
        users::upsert(&mut tx, &row).await.unwrap();
        homeward_store::commit(tx).await.unwrap();
    }

    async fn send(&self, request: Request<Body>) -> Page {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let cookies =
            response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
        let location = response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        Page { status, cookies, location, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, path: &str, cookie: &str) -> Page {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    async fn post_form(&self, path: &str, cookie: &str, form: &str) -> Page {
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// How many surveys the case has on record.
    async fn count_surveys(&self, case_id: &str) -> usize {
        let mut conn = self.store.read().await.unwrap();
        homeward_store::query::surveys::of_case(&mut conn, case_id).await.unwrap().len()
    }

    /// Signs in through the form; returns the session cookie (`hw_session=...`).
    async fn sign_in(&self, username: &str) -> String {
        let form = self.get("/sign-in", "").await;
        let csrf = hidden(&form.body, "csrf");
        let page = self
            .post_form(
                "/sign-in",
                &format!("hw_csrf={csrf}"),
                &format!("csrf={csrf}&username={username}&password=correct+horse+battery"),
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let session = page.cookies.iter().find(|c| c.starts_with("hw_session=")).expect("a session cookie").clone();
        session.split(';').next().unwrap().to_string()
    }
}

/// The value of a hidden input.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Calls the API as `token_user` with a JSON body; answers the status and the body.
async fn api_post(b: &Browser, token_user: &str, path: &str, body: String) -> Page {
    let token = homeward_service::auth::new_token();
    let mut tx = b.store.begin().await.unwrap();
    users::add_token(&mut tx, &homeward_service::auth::token_hash(&token), token_user).await.unwrap();
    homeward_store::commit(tx).await.unwrap();
    let request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    b.send(request).await
}

/// Reads the API as `token_user`.
async fn api_get(b: &Browser, token_user: &str, path: &str) -> Page {
    let token = homeward_service::auth::new_token();
    let mut tx = b.store.begin().await.unwrap();
    users::add_token(&mut tx, &homeward_service::auth::token_hash(&token), token_user).await.unwrap();
    homeward_store::commit(tx).await.unwrap();
    let request =
        Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    b.send(request).await
}

async fn register(b: &Browser, token_user: &str, given: &str, office: &str) -> String {
    let body = format!(
        r#"{{"given_name":"{given}","family_name":"Diallo","sex":"female","date_of_birth":"1990-01-01","date_of_return":"2026-01-01","country_of_origin":"SN","office":"{office}"}}"#
    );
    let page = api_post(b, token_user, "/api/v1/cases", body).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    page.body.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn signing_in_needs_the_form_token_and_sets_a_protected_session_cookie() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let form = b.get("/sign-in", "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<label for=\"username\">Username</label>"), "labels on every input");
    let csrf = hidden(&form.body, "csrf");
    assert!(form.cookies[0].starts_with(&format!("hw_csrf={csrf};")) && form.cookies[0].contains("HttpOnly"));

    let forged = b.post_form("/sign-in", "", "csrf=guess&username=fatou&password=correct+horse+battery").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no form token, no sign-in");
    let wrong =
        b.post_form("/sign-in", &format!("hw_csrf={csrf}"), &format!("csrf={csrf}&username=fatou&password=nope")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("The username or the password is not right."));
    assert!(wrong.body.contains("value=\"fatou\""), "what was typed is kept");
    assert!(!wrong.body.contains("nope"), "but never the password");

    let ok = b
        .post_form(
            "/sign-in",
            &format!("hw_csrf={csrf}"),
            &format!("csrf={csrf}&username=fatou&password=correct+horse+battery"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location.as_deref(), Some("/"));
    let session = ok.cookies.iter().find(|c| c.starts_with("hw_session=")).unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    assert!(!session.contains("Secure"), "plain HTTP: a Secure cookie would never come back");
    let over_tls = b
        .send(
            Request::post("/sign-in")
                .header(header::COOKIE, format!("hw_csrf={csrf}"))
                .header("x-forwarded-proto", "https")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}&username=fatou&password=correct+horse+battery")))
                .unwrap(),
        )
        .await;
    assert!(over_tls.cookies.iter().any(|c| c.starts_with("hw_session=") && c.ends_with("; Secure")));
}

#[tokio::test]
async fn the_caseload_lists_the_cases_in_the_users_language_and_office() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "fr").await;
    b.user("admin", "admin", None, "en").await;
    let mine = register(&b, "admin", "Aminata", "dakar").await;
    let theirs = register(&b, "admin", "Khadija", "thies").await;
    let cookie = b.sign_in("fatou").await;
    // A case manager's home is her own caseload; the admin registered these.
    let own = b.get("/", &cookie).await;
    assert!(own.body.contains("Aucun dossier ne correspond."), "not fatou's own");
    assert!(own.body.contains(r#"name="mine" value="1" checked"#), "her own cases by default");
    let home = b.get("/?filtered=1", &cookie).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(home.body.contains("Dossiers") && home.body.contains("Aminata Diallo"));
    assert!(home.body.contains("accueil"), "the status in French");
    assert!(!home.body.contains("Khadija"), "another office's case is not listed");
    assert!(home.body.contains("pas de plan un mois après le retour"), "returned 2026-01-01, no plan yet");
    // Closed cases are left out unless asked for.
    let closed = register(&b, "admin", "Mariama", "dakar").await;
    let opt_out = r#"{"action":"opt_out","version":1,"closure":{"date":"2026-02-01","reason":"returnee_chose_to_stop","choice":"voluntary","timing":"abrupt"}}"#;
    let moved = api_post(&b, "admin", &format!("/api/v1/cases/{closed}/transitions"), opt_out.into()).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert!(!b.get("/?filtered=1", &cookie).await.body.contains("Mariama"), "a closed case is not in the list");
    assert!(b.get("/?filtered=1&closed=1", &cookie).await.body.contains("Mariama"), "unless asked for");
    assert!(b.get("/?filtered=1&status=closed", &cookie).await.body.contains("Mariama"), "or its status chosen");
    let read_only = b.get(&format!("/cases/{closed}"), &cookie).await;
    assert!(read_only.body.contains("Ce dossier est clos"), "a closed case says it is read only");
    for form in [
        format!("action=\"/cases/{closed}/consents\""),
        format!("action=\"/cases/{closed}/follow-ups\""),
        format!("/cases/{closed}/edit"),
        format!("/cases/{closed}/surveys/new"),
    ] {
        assert!(!read_only.body.contains(&form), "a closed case offers no {form}");
    }
    let sorted = b.get("/?filtered=1&sort=name", &cookie).await;
    assert!(sorted.body.contains("aria-sort=\"ascending\""), "the column the list is ordered by says so");
    assert!(sorted.body.contains("sort=-name"), "and orders the other way when clicked again");
    let search = b.get("/?filtered=1&q=amin", &cookie).await;
    assert!(search.body.contains("Aminata Diallo"));
    let none = b.get("/?filtered=1&q=zzz", &cookie).await;
    assert!(none.body.contains("Aucun dossier ne correspond."));
    let page = b.get(&format!("/cases/{mine}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aminata Diallo") && page.body.contains("Âge au retour"));
    assert!(page.body.contains("commencer les évaluations"), "the next steps in French");
    assert!(page.body.contains("Dossier ouvert au bureau dakar"), "and the timeline");
    let hidden = b.get(&format!("/cases/{theirs}"), &cookie).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let css = b.get("/static/homeward.css", "").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(home.body.len() + css.body.len() < 150_000, "a page and its stylesheet stay far under 150 KB");
}

#[tokio::test]
async fn pages_travel_gzipped_when_the_browser_accepts_it_and_the_api_as_it_is() {
    use std::io::Read;
    let b = Browser::new().await;
    let fetch = |path: &str, encoding: &str| {
        Request::get(path).header(header::ACCEPT_ENCODING, encoding).body(Body::empty()).unwrap()
    };
    let response = b.app.clone().oneshot(fetch("/static/homeward.css", "gzip, deflate, br")).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(response.headers()[header::VARY], "accept-encoding");
    let packed = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let mut css = String::new();
    flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut css).unwrap();
    let plain = b.get("/static/homeward.css", "").await;
    assert_eq!(css, plain.body, "unpacked, the same stylesheet");
    assert!(packed.len() * 2 < plain.body.len(), "{} bytes gzipped, {} plain", packed.len(), plain.body.len());
    let refused = b.app.clone().oneshot(fetch("/static/homeward.css", "gzip;q=0, identity")).await.unwrap();
    assert!(refused.headers().get(header::CONTENT_ENCODING).is_none(), "q=0 refuses gzip");
    let api = b.app.clone().oneshot(fetch("/api/v1/healthz", "gzip")).await.unwrap();
    assert!(api.headers().get(header::CONTENT_ENCODING).is_none(), "the API's JSON is not compressed");
}

#[tokio::test]
async fn the_me_officer_sees_no_names_and_a_signed_out_session_is_over() {
    let b = Browser::new().await;
    b.user("monitor", "me_officer", None, "en").await;
    b.user("admin", "admin", None, "en").await;
    let id = register(&b, "admin", "Aminata", "dakar").await;
    let cookie = b.sign_in("monitor").await;
    let home = b.get("/", &cookie).await;
    assert!(home.body.contains("HW-") && !home.body.contains("Aminata"), "{}", home.body);
    let refused = b.get("/?q=aminata", &cookie).await;
    assert!(refused.body.contains("search by case number, not by name"));
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(page.body.contains("Pseudonymised") && !page.body.contains("Aminata"));

    let csrf = hidden(&home.body, "csrf");
    let forged = b.post_form("/sign-out", &cookie, "csrf=wrong").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let out = b.post_form("/sign-out", &cookie, &format!("csrf={csrf}")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.cookies.iter().any(|c| c.starts_with("hw_session=;") && c.contains("Max-Age=0")));
    let after = b.get("/", &cookie).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the old cookie no longer opens the caseload");
    assert_eq!(after.location.as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn a_returnee_is_registered_from_the_form_with_every_error_next_to_its_field() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let cookie = b.sign_in("fatou").await;
    let home = b.get("/", &cookie).await;
    assert!(home.body.contains("href=\"/cases/new\""), "the caseload offers to register");
    let form = b.get("/cases/new", &cookie).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"dakar\""), "the office is the user's");
    assert!(form.body.contains("<option value=\"SN\">Senegal</option>"));
    let csrf = hidden(&form.body, "csrf");

    let bad = b
        .post_form(
            "/cases/new",
            &cookie,
            &format!("csrf={csrf}&given_name=Awa&family_name=&sex=female&date_of_birth=1994-13-40&date_of_return=2026-02-01&country_of_origin=SN&office=dakar"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"family_name-error\">is required"), "{}", bad.body);
    assert!(bad.body.contains("id=\"date_of_birth-error\""), "the impossible date is named");
    assert!(bad.body.contains("value=\"Awa\""), "what was typed is kept");
    assert!(bad.body.contains("aria-invalid=\"true\""));
    assert_eq!(bad.body.matches(" autofocus").count(), 1, "the cursor goes to one problem");
    assert!(
        bad.body.contains("name=\"family_name\" type=\"text\" value=\"\" autocomplete=\"off\" autofocus")
            || bad.body.contains("id=\"family_name\" name=\"family_name\" type=\"text\" value=\"\" autofocus"),
        "the first problem, in the form's order: {}",
        bad.body
    );
    assert_eq!(b.store.count_rows("cases").await.unwrap(), 0);

    let forged = b.post_form("/cases/new", &cookie, "csrf=wrong&given_name=Awa").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The return, which the M&E analyses break scores down by: optional, checked, kept.
    let identity = "given_name=Awa&family_name=Ba&sex=female&date_of_birth=1994-03-12&date_of_return=2026-02-01&country_of_origin=SN&office=dakar";
    let the_return = "host_country=LY&return_type=forced&return_assistance=assisted&returned_to_community_of_origin=no";
    let typo =
        b.post_form("/cases/new", &cookie, &format!("csrf={csrf}&{identity}&{the_return}&years_abroad=four")).await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.body.contains("id=\"years_abroad-error\">is not a whole number"), "{}", typo.body);
    assert!(
        typo.body.contains("<option value=\"forced\" selected>forced</option>"),
        "the choices are kept: {}",
        typo.body
    );
    assert_eq!(b.store.count_rows("cases").await.unwrap(), 0);

    let ok = b.post_form("/cases/new", &cookie, &format!("csrf={csrf}&{identity}&{the_return}&years_abroad=4")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let case_page = ok.location.unwrap();
    let page = b.get(&case_page, &cookie).await;
    assert!(page.body.contains("Awa Ba") && page.body.contains("intake"));
    assert!(
        page.body.contains("<dt>Return type</dt><dd>forced</dd>") && page.body.contains("<dd>LY</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("opened in office dakar"), "the timeline starts with the registration");

    let version = hidden(&page.body, "version");
    let moved = b
        .post_form(
            &format!("{case_page}/move"),
            &cookie,
            &format!("csrf={csrf}&action=start_assessment&version={version}"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let page = b.get(&case_page, &cookie).await;
    assert!(page.body.contains("<dd>assessment</dd>"), "the case moved");
    let stale = b
        .post_form(
            &format!("{case_page}/move"),
            &cookie,
            &format!("csrf={csrf}&action=start_planning&version={version}"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("changed by someone else"), "a stale page is told, not obeyed");
}

#[tokio::test]
async fn a_registration_form_posted_twice_makes_one_case() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let cookie = b.sign_in("fatou").await;
    let form = b.get("/cases/new", &cookie).await;
    let (csrf, once) = (hidden(&form.body, "csrf"), hidden(&form.body, "idempotency_key"));
    assert!(!once.is_empty(), "the form names its registration");
    let identity = "given_name=Awa&family_name=Ba&sex=female&date_of_birth=1994-03-12&date_of_return=2026-02-01&country_of_origin=SN&office=dakar";
    let body = format!("csrf={csrf}&idempotency_key={once}&{identity}");
    let first = b.post_form("/cases/new", &cookie, &body).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The same form again (a double click, a resend after a dropped answer) leads to the same case.
    let again = b.post_form("/cases/new", &cookie, &body).await;
    assert_eq!((again.status, again.location), (StatusCode::SEE_OTHER, first.location));
    assert_eq!(b.store.count_rows("cases").await.unwrap(), 1);
    let fresh = b.get("/cases/new", &cookie).await;
    assert_ne!(hidden(&fresh.body, "idempotency_key"), once, "a new form names a new registration");
}

#[tokio::test]
async fn consents_are_recorded_and_withdrawn_from_the_case_page_under_the_consent_rules() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("admin", "admin", None, "en").await;
    let id = register(&b, "admin", "Aminata", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    let csrf = hidden(&page.body, "csrf");
    assert!(page.body.contains("Record the consent"));

    let refused = b
        .post_form(
            &format!("/cases/{id}/consents"),
            &cookie,
            &format!("csrf={csrf}&purpose=medical_procedure&method=verbal_by_phone&given_on=2026-02-02"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "shown on the case page");
    assert!(refused.body.contains("consent for medical_procedure: must be written"), "{}", refused.body);
    assert!(refused.body.contains("<option value=\"medical_procedure\" selected>"), "the form keeps what was chosen");

    let ok = b
        .post_form(
            &format!("/cases/{id}/consents"),
            &cookie,
            &format!("csrf={csrf}&purpose=counselling&method=written_in_person&given_on=2026-02-02"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(page.body.contains("taking part in counselling") && page.body.contains("written, in person"));
    let action = page
        .body
        .split("action=\"/cases/")
        .find(|s| s.contains("/withdraw"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let withdrawn =
        b.post_form(&format!("/cases/{action}"), &cookie, &format!("csrf={csrf}&version=1&on=2026-03-01")).await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(
        page.body.contains("<td data-label=\"Withdrawn on\">1 Mar 2026</td>"),
        "the withdrawal date is shown, as English writes it"
    );
    assert!(!page.body.contains("/withdraw\""), "a withdrawn consent offers no second withdrawal");
    assert_eq!(
        b.post_form(&format!("/cases/{id}/consents"), &cookie, "csrf=forged&purpose=counselling").await.status,
        StatusCode::FORBIDDEN
    );

    // Consent to share names its partner by choosing it from the directory, never by typing an id.
    let provider = api_post(
        &b,
        "admin",
        "/api/v1/providers",
        r#"{"organisation":"Centre de formation","services":["training"],"dimensions":["economic"],"country":"SN","place":"Thiès","last_verified":"2026-06-01"}"#.into(),
    )
    .await;
    let provider_id = provider.body.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(
        page.body.contains(&format!("<option value=\"{provider_id}\">Centre de formation · Thiès · training</option>"))
    );
    let form = format!(
        "csrf={csrf}&purpose=share_with_partner&method=written_in_person&given_on=2026-02-02&partner={provider_id}&plan_version=1&fields=name&fields=contacts"
    );
    assert_eq!(b.post_form(&format!("/cases/{id}/consents"), &cookie, &form).await.status, StatusCode::SEE_OTHER);
    // Another purpose with a plan version left in the form: the version is not meant for it.
    let other = format!("csrf={csrf}&purpose=family_contact&method=verbal_by_phone&given_on=2026-02-02&plan_version=1");
    assert_eq!(b.post_form(&format!("/cases/{id}/consents"), &cookie, &other).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_rss_survey_is_taken_from_the_form_and_its_scores_shown_with_the_profile() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("admin", "admin", None, "en").await;
    let id = register(&b, "admin", "Aminata", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let case_page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(case_page.body.contains(&format!("href=\"/cases/{id}/surveys/new\"")));
    let form = b.get(&format!("/cases/{id}/surveys/new"), &cookie).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"consent\" value=\"yes\""), "the first screen asks for consent");
    assert!(!form.body.contains("name=\"Q1\""), "and no question yet");
    let csrf = hidden(&form.body, "csrf");
    let best: String = homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| format!("&{q}={a}")).collect();
    let head = format!("csrf={csrf}&phase=baseline&date=2026-02-10&consent=yes");
    let surveys = format!("/cases/{id}/surveys");
    let economic = b.post_form(&surveys, &cookie, &format!("{head}&screen=0&go=next")).await;
    assert_eq!(economic.status, StatusCode::OK, "moving between screens saves nothing");
    assert!(economic.body.contains("data-gate=\"Q9\" data-gate-code=\"yes\""), "Q10 is asked only after Q9 = yes");
    assert!(!economic.body.contains("name=\"Q32\""), "one dimension per screen");
    assert!(economic.body.contains("type=\"hidden\" name=\"consent\" value=\"yes\""), "the consent travels on");
    let psychosocial = b.post_form(&surveys, &cookie, &format!("{head}&screen=2&go=next")).await;
    assert!(psychosocial.body.contains("type=\"checkbox\" name=\"Q32\""), "multiple choice as checkboxes");
    assert!(psychosocial.body.contains("data-exclusive"), "stand-alone choices are marked for the script");
    let review = b.post_form(&surveys, &cookie, &format!("{head}{best}&Q32=friends&screen=3&go=next")).await;
    assert!(review.body.contains("will be scored when saved"), "{}", review.body);
    let refused = format!("csrf={csrf}&phase=baseline&date=2026-02-10&consent=no&screen=0&go=next");
    let review = b.post_form(&surveys, &cookie, &refused).await;
    assert!(review.body.contains("did not consent"), "without consent, straight to the review that says so");
    let review = b.post_form(&surveys, &cookie, &format!("{head}&Q1=very_satisfied&screen=3&go=next")).await;
    assert!(review.body.contains("kept on record but not scored") && review.body.contains("value=\"to-1\""));
    assert_eq!(b.count_surveys(&id).await, 0, "nothing was stored while moving between screens");
    let saved = b.post_form(&format!("/cases/{id}/surveys"), &cookie, &format!("{head}{best}&Q32=friends")).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert!(saved.body.contains("Scored") && saved.body.contains("<td>1.00</td>"));
    assert!(saved.body.contains("band-light") && saved.body.contains("rss-provisional-1"));
    assert!(saved.body.contains("PROVISIONAL weights"), "provisional scores never pass for official ones");

    let wrong = b.post_form(&format!("/cases/{id}/surveys"), &cookie, &format!("{head}{best}&Q10=unemployed")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("Q10 is asked only when Q9 is &#39;yes&#39;")
            || wrong.body.contains("Q10 is asked only when Q9 is &#x27;yes&#x27;"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("class=\"card question invalid\" id=\"q-Q10\""), "the error sits at the question");
    assert!(wrong.body.contains("value=\"very_satisfied\" checked"), "what was answered is kept");

    let second = format!("csrf={csrf}&phase=intermediate&date=2026-08-10&consent=yes{best}");
    assert_eq!(b.post_form(&format!("/cases/{id}/surveys"), &cookie, &second).await.status, StatusCode::CREATED);
    let case_page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(case_page.body.contains("<svg viewBox=\"0 0 560 200\" role=\"img\""), "the progress chart");
    assert_eq!(case_page.body.matches("<polyline class=\"line").count(), 4, "three dimensions and the composite");
    assert!(case_page.body.contains("<td>intermediate</td>"), "and the same numbers in a table");
    // A half-answered survey is never stored by one click: saving it incomplete is its own step.
    let before = b.count_surveys(&id).await;
    let held = b.post_form(&format!("/cases/{id}/surveys"), &cookie, &format!("{head}&Q1=very_satisfied")).await;
    assert_eq!(held.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(held.body.contains("Some questions have no answer") && held.body.contains("name=\"incomplete\""));
    assert_eq!(b.count_surveys(&id).await, before, "nothing stored");
    let incomplete =
        b.post_form(&format!("/cases/{id}/surveys"), &cookie, &format!("{head}&Q1=very_satisfied&incomplete=1")).await;
    assert_eq!(incomplete.status, StatusCode::CREATED);
    assert!(incomplete.body.contains("not scored (discarded)"));
    let case_page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(case_page.body.contains("Surveys kept without scores"), "an incomplete survey shows on the case");
}

#[tokio::test]
async fn follow_up_visits_are_recorded_from_the_case_page() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("admin", "admin", None, "en").await;
    let id = register(&b, "admin", "Aminata", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(page.body.contains("Leave blank: Homeward proposes it from the timing rules."));
    let csrf = hidden(&page.body, "csrf");
    let wrong = b
        .post_form(
            &format!("/cases/{id}/follow-ups"),
            &cookie,
            &format!("csrf={csrf}&date=2026-05-01&kind=routine&mode=phone&next_due=2026-04-01"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::CONFLICT);
    assert!(wrong.body.contains("next_due: 2026-04-01 is not after the visit (2026-05-01)"), "{}", wrong.body);
    let ok = b
        .post_form(
            &format!("/cases/{id}/follow-ups"),
            &cookie,
            &format!("csrf={csrf}&date=2026-05-01&kind=routine&mode=face_to_face&notes=shop+open&next_due=2026-08-01"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/cases/{id}"), &cookie).await;
    assert!(
        page.body.contains("<td>1 May 2026</td><td>routine</td><td>face to face</td><td>1 Aug 2026</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dd>1 Aug 2026</dd>"), "the case's next follow-up follows the visit");
    assert!(page.body.contains("<strong>Notes:</strong> shop open"), "the visit's notes are read back");
}

#[tokio::test]
async fn the_indicators_page_shows_each_indicator_against_its_target() {
    let b = Browser::new().await;
    b.user("monitor", "me_officer", None, "en").await;
    let cookie = b.sign_in("monitor").await;
    let page = b.get("/indicators?from=2026-01-01&to=2026-06-30", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body.matches("<svg class=\"meter\"").count(), 6, "a bar for each share: {}", page.body);
    assert!(
        page.body.contains("class=\"track\"/><rect x=\"2\" y=\"3\" width=\"0\""),
        "no data, an empty bar: {}",
        page.body
    );
    assert!(page.body.contains("x1=\"122\""), "the composite target of 60 % marked at 2 + 120");
    let wrong = b.get("/indicators?from=2026-06-30&to=2026-01-01", &cookie).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Six returnees in dakar, each with a baseline survey scoring 1 (registered by `admin`).
async fn six_cases_with_a_best_baseline(b: &Browser, cookie: &str) {
    let mut cases = vec![];
    for i in 0..6 {
        cases.push(register(b, "admin", &format!("Awa{i}"), "dakar").await);
    }
    let form = b.get(&format!("/cases/{}/surveys/new", cases[0]), cookie).await;
    let csrf = hidden(&form.body, "csrf");
    let best: String = homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| format!("&{q}={a}")).collect();
    for case in &cases {
        let body = format!("csrf={csrf}&phase=baseline&date=2026-02-10&consent=yes{best}");
        assert_eq!(b.post_form(&format!("/cases/{case}/surveys"), cookie, &body).await.status, StatusCode::CREATED);
    }
}

/// Downloads a workbook as the user and reads every cell with openpyxl: per sheet, rows of
/// [value, data type, number format].
async fn workbook(b: &Browser, cookie: &str, path: &str, filename: &str) -> Option<serde_json::Value> {
    read_workbook(b, cookie, path, Some(filename), "scripts/oracles/xlsx_cells.py").await
}

/// Downloads a workbook as the user (checking the file name it comes as, when `filename` says)
/// and reads it with the openpyxl `oracle`; its JSON answer.
async fn read_workbook(
    b: &Browser,
    cookie: &str,
    path: &str,
    filename: Option<&str>,
    oracle: &str,
) -> Option<serde_json::Value> {
    let request = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let response = b.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    if let Some(filename) = filename {
        let disposition = response.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
        assert!(disposition.contains(filename), "{disposition}");
    }
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(filename.unwrap_or("book.xlsx"));
    std::fs::write(&file, &bytes).unwrap();
    let out = homeward_test_support::python_script(oracle, &[file.as_os_str()])?;
    assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[tokio::test]
async fn the_indicators_workbook_holds_numbers_with_their_formats_and_says_what_they_rest_on() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let cookie = b.sign_in("admin").await;
    six_cases_with_a_best_baseline(&b, &cookie).await;
    let Some(book) = workbook(
        &b,
        &cookie,
        "/indicators.xlsx?from=2026-01-01&to=2026-12-31",
        "homeward-indicators-2026-01-01-2026-12-31.xlsx",
    )
    .await
    else {
        return;
    };
    let row = &book["Indicators"][1];
    assert_eq!(row[0][0], "1. Returnees who reach a composite reintegration score of 0.5 or more");
    assert_eq!(row[1], serde_json::json!([1, "n", "0.0%"]), "a share is a number formatted as a percentage");
    assert_eq!((row[2][0].as_f64(), row[3][0].as_f64()), (Some(6.0), Some(6.0)));
    assert_eq!(row[5][1], "n", "the target is a number too");
    let sheets: Vec<&String> = book.as_object().unwrap().keys().collect();
    assert!(sheets.iter().any(|s| *s == "1. By sex"), "sheets named by number and breakdown: {sheets:?}");
    assert_eq!(book["1. By sex"][1][0][0], "female", "groups by their labels");
    let about = book["About"].to_string();
    assert!(
        about.contains("PROVISIONAL") && about.contains("Groups of fewer than 5 returnees are suppressed"),
        "{about}"
    );
}

#[tokio::test]
async fn the_dashboard_charts_the_scores_with_their_numbers_in_tables() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let cookie = b.sign_in("admin").await;
    six_cases_with_a_best_baseline(&b, &cookie).await;
    let page = b.get("/dashboard?from=2026-01-01&to=2026-12-31&measure=composite&by=office", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Every best-answer survey scores 1: the whole bar is light, for each dimension and the baseline round.
    assert_eq!(page.body.matches("width=\"300\" height=\"22\" class=\"band-fill light\"").count(), 5, "{}", page.body);
    assert!(page.body.contains("<td>baseline</td><td>6</td><td>0 %</td><td>0 %</td><td>100 %</td>"), "{}", page.body);
    assert!(page.body.contains("<td>dakar</td><td>6</td><td>1.00</td>"), "the breakdown picked: {}", page.body);
    // All at 1: the middle half is a box of no width at the end of the scale, the median on it.
    assert_eq!(page.body.matches("<rect x=\"410\" y=").count(), 4, "a quartile box per dimension: {}", page.body);
    assert!(
        page.body.contains("<td>6</td><td>1.00</td><td>1.00</td><td>1.00</td><td>1.00</td>"),
        "n, mean, quartiles: {}",
        page.body
    );
    let hidden_rows = b.get("/dashboard?from=2026-01-01&to=2026-12-31&measure=social&by=age_group", &cookie).await;
    assert!(
        hidden_rows.body.contains("<td>25-34</td>") || hidden_rows.body.contains("<td>35-49</td>"),
        "{}",
        hidden_rows.body
    );
    let bad = b.get("/dashboard?from=someday", &cookie).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Ten returnees with a best baseline; the first five then get a business grant and answer the
/// final survey at their best or nearly, the others less well. Their case ids, in order.
async fn ten_cases_over_two_rounds(b: &Browser) -> Vec<String> {
    let mut cases = vec![];
    for i in 0..10 {
        let case = register(b, "admin", &format!("Awa{i}"), "dakar").await;
        let mut answers: serde_json::Map<String, serde_json::Value> =
            homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| (q.to_string(), (*a).into())).collect();
        let survey = |phase: &str, date: &str, answers: &serde_json::Map<String, serde_json::Value>| {
            serde_json::json!({"phase": phase, "date": date, "consent": "yes", "answers": answers}).to_string()
        };
        let path = format!("/api/v1/cases/{case}/surveys");
        assert_eq!(
            api_post(b, "admin", &path, survey("baseline", "2026-02-10", &answers)).await.status,
            StatusCode::CREATED
        );
        if i < 5 {
            let grant = r#"{"date": "2026-03-01", "modality": "business_grant", "value": {"amount": "100", "currency": "EUR"}, "payee": "returnee"}"#;
            assert_eq!(
                api_post(b, "admin", &format!("/api/v1/cases/{case}/assistance"), grant.into()).await.status,
                StatusCode::CREATED
            );
        }
        let q1 =
            if i < 5 { ["very_satisfied", "satisfied"][i % 2] } else { ["ok", "dissatisfied", "satisfied"][i % 3] };
        answers.insert("Q1".into(), q1.into());
        assert_eq!(
            api_post(b, "admin", &path, survey("final", "2026-08-10", &answers)).await.status,
            StatusCode::CREATED
        );
        cases.push(case);
    }
    cases
}

#[tokio::test]
async fn the_dashboard_compares_mentored_and_other_returnees_by_dimension_and_country_and_so_does_its_workbook() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let cookie = b.sign_in("admin").await;
    let cases = ten_cases_over_two_rounds(&b).await;
    let mentor = r#"{"name": "Diallo Ousmane", "office": "dakar", "place": "Pikine"}"#;
    let mentor =
        json_of(&api_post(&b, "admin", "/api/v1/mentors", mentor.into()).await)["id"].as_str().unwrap().to_string();
    // The five granted are mentored too, from March: between their two rounds.
    for case in &cases[..5] {
        let start = serde_json::json!({"mentor": mentor, "started_on": "2026-03-01", "selection": [
            {"criterion": "location", "met": true}, {"criterion": "willingness", "met": true},
            {"criterion": "mentor_judgement", "met": false}]});
        let started = api_post(&b, "admin", &format!("/api/v1/cases/{case}/mentorships"), start.to_string()).await;
        assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    }
    let page = b.get("/dashboard?from=2026-01-01&to=2026-12-31", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let table = page.body.split("id=\"mentoring-table\"").nth(1).unwrap().split("</table>").next().unwrap();
    // A row per dimension and the composite, then the composite of the one country of origin.
    assert_eq!(table.matches("<th scope=\"row\">").count(), 5, "{table}");
    assert!(table.contains("<th scope=\"row\">Composite · SN</th>"), "{table}");
    let economic = table.split("<th scope=\"row\">Economic</th>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert_eq!(economic.matches("<td>5</td>").count(), 2, "five mentored, five not: {economic}");
    let api = json_of(
        &api_get(
            &b,
            "admin",
            "/api/v1/analyses/change?measure=economic&group=mentored&control=no&from=2026-01-01&to=2026-12-31",
        )
        .await,
    );
    let did = api["comparison"]["difference_in_differences"]["estimate"].as_f64().unwrap();
    assert!(did > 0.0, "the mentored (and granted) gained more: {api}");
    let shown = format!("+{did:.3}");
    assert!(economic.contains(&shown), "the economic difference in differences, {shown}: {economic}");

    let Some(book) = workbook(
        &b,
        &cookie,
        "/dashboard.xlsx?from=2026-01-01&to=2026-12-31",
        "homeward-dashboard-2026-01-01-2026-12-31.xlsx",
    )
    .await
    else {
        return;
    };
    let sheet = &book["Mentored and not mentored"];
    let economic = &sheet[1];
    assert_eq!(economic[0][0], "Economic");
    assert_eq!((economic[1][0].as_f64(), economic[3][0].as_f64()), (Some(5.0), Some(5.0)), "{economic}");
    assert!((economic[5][0].as_f64().unwrap() - did).abs() < 1e-9, "the same figure as the API: {economic}");
    assert_eq!(sheet[5][0][0], "Composite · SN");
}

#[tokio::test]
async fn the_dashboard_shows_change_between_rounds_and_the_regression_and_downloads_them_as_a_workbook() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let cookie = b.sign_in("admin").await;
    ten_cases_over_two_rounds(&b).await;
    let page = b.get("/dashboard?from=2026-01-01&to=2026-12-31&measure=economic&by=assistance_type", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Change between survey rounds"), "{}", page.body);
    assert!(
        page.body.contains("<td>business grant</td><td>5</td><td>1.00</td>"),
        "the granted five, all at 1 before: {}",
        page.body
    );
    assert!(page.body.contains("<td>no assistance yet</td><td>5</td><td>1.00</td>"), "{}", page.body);
    assert!(
        page.body.contains("Difference in differences") && page.body.contains("Hedges"),
        "two groups compared: {}",
        page.body
    );
    assert!(page.body.contains("class=\"after\""), "the change is charted: {}", page.body);
    // Everyone was born the same day and returned the same day: the default model's age is
    // constant, so the refusal names it in place of the table, and the rest of the page stands.
    assert!(page.body.contains("linearly dependent: age"), "{}", page.body);
    assert!(page.body.contains("svg class=\"meter\""), "indicators against their targets: {}", page.body);

    let formula = "economic%20~%20assistance_type";
    let fitted = b
        .get(
            &format!("/dashboard?from=2026-01-01&to=2026-12-31&measure=economic&by=sex&formula={formula}&robust=hc1"),
            &cookie,
        )
        .await;
    assert!(fitted.body.contains("<th scope=\"row\">assistance_typenone</th>"), "{}", fitted.body);
    assert!(fitted.body.contains("n = 10"), "{}", fitted.body);
    let rounds = "/dashboard?from=2026-01-01&to=2026-12-31&measure=economic&by=sex&to_phase=intermediate";
    let no_round = b.get(rounds, &cookie).await;
    assert_eq!(no_round.status, StatusCode::OK, "the other analyses stand");
    assert!(
        no_round.body.contains("there is no phase `intermediate`; the phases are: baseline, final"),
        "{}",
        no_round.body
    );
    assert!(no_round.body.contains("<option value=\"intermediate\" selected>"), "the rounds picked are kept");
    assert!(no_round.body.contains("/dashboard.xlsx?from=2026-01-01&#38;to=2026-12-31&#38;measure=economic&#38;by=sex&#38;formula=economic%20~%20age%20%2B%20sex%20%2B%20months_since_return%20%2B%20assistance_type&#38;to_phase=intermediate"), "the workbook has the same view: {}", no_round.body);
    let backwards = b.get("/dashboard?from=2026-12-31&to=2026-01-01", &cookie).await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);

    let path =
        format!("/dashboard.xlsx?from=2026-01-01&to=2026-12-31&measure=economic&by=assistance_type&formula={formula}");
    let Some(book) = workbook(&b, &cookie, &path, "homeward-dashboard-2026-01-01-2026-12-31.xlsx").await else {
        return;
    };
    let mut sheets: Vec<&str> = book.as_object().unwrap().keys().map(String::as_str).collect();
    sheets.sort_unstable();
    let mut expected = [
        "Scores by dimension",
        "Bands by round",
        "Breakdown",
        "Change between rounds",
        "Mentored and not mentored",
        "Indicators",
        "Regression",
        "About",
    ];
    expected.sort_unstable();
    assert_eq!(sheets, expected, "a sheet per table of the page");
    let term = &book["Regression"][2];
    assert_eq!(term[0][0], "assistance_typenone");
    assert_eq!(
        (term[1][1].as_str(), term[1][2].as_str()),
        (Some("n"), Some("0.000")),
        "a coefficient is a number: {term}"
    );
    assert!(term[1][0].as_f64().unwrap() < 0.0, "the ungranted ended lower: {term}");
    assert_eq!(book["Change between rounds"][1][1][0].as_f64(), Some(10.0), "everyone first");
    let granted = &book["Change between rounds"][2];
    assert_eq!(
        (granted[0][0].as_str(), granted[1][0].as_f64(), granted[2][0].as_f64()),
        (Some("business_grant"), Some(5.0), Some(1.0))
    );
    assert_eq!(book["Scores by dimension"][1][7][2], "0.0%", "band shares are percentages");
    assert_eq!(book["Scores by dimension"][1][4][2], "0.000", "quartiles are scores");
    let about = book["About"].to_string();
    assert!(
        about.contains("PROVISIONAL")
            && about.contains("Groups of fewer than 5")
            && about.contains("economic ~ assistance_type"),
        "{about}"
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_only_vendored_files_are_cached() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let cookie = b.sign_in("fatou").await;
    for (path, cookie, cached) in [
        ("/sign-in", "", false),
        ("/", cookie.as_str(), false),
        ("/settings", cookie.as_str(), false),
        ("/static/homeward.css", "", true),
        ("/static/survey.js", "", true),
    ] {
        let response = b
            .app
            .clone()
            .oneshot(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let h = |name: header::HeaderName| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
        let policy = h(header::CONTENT_SECURITY_POLICY).unwrap_or_default();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}");
        assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS).as_deref(), Some("nosniff"), "{path}");
        assert_eq!(h(header::REFERRER_POLICY).as_deref(), Some("no-referrer"), "{path}");
        let cache = h(header::CACHE_CONTROL).unwrap_or_default();
        assert_eq!(cache == "no-store", !cached, "{path}: {cache}");
    }
}

#[tokio::test]
async fn a_record_form_posted_twice_stores_one_record() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let cookie = b.sign_in("fatou").await;
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let page = b.get(&format!("/cases/{case_id}"), &cookie).await;
    let csrf = hidden(&page.body, "csrf");
    let once = hidden(&page.body, "idempotency_key");
    assert_eq!(once.len(), 32, "the case page's forms carry a fresh key");
    let form = format!("csrf={csrf}&idempotency_key={once}&date=2026-03-02&mode=face_to_face&kind=routine");
    for _ in 0..2 {
        let posted = b.post_form(&format!("/cases/{case_id}/follow-ups"), &cookie, &form).await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    }
    let mut conn = b.store.read().await.unwrap();
    let visits =
        homeward_store::query::records::list(&mut conn, &case_id, homeward_domain::records::RecordKind::FollowUp)
            .await
            .unwrap();
    assert_eq!(visits.len(), 1, "a double submission stores one visit");
}

#[tokio::test]
async fn the_language_is_chosen_on_the_sign_in_page_and_kept_for_the_account() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let form = b.get("/sign-in?lang=fr", "").await;
    assert!(form.body.contains("Se connecter"), "the page in the language chosen");
    assert!(
        form.body.contains(">English</a>") && form.body.contains(">Français</a>"),
        "every language by its own name"
    );
    let csrf = hidden(&form.body, "csrf");
    assert_eq!(hidden(&form.body, "language"), "fr");
    let page = b
        .post_form(
            "/sign-in",
            &format!("hw_csrf={csrf}"),
            &format!("csrf={csrf}&language=fr&username=fatou&password=correct+horse+battery"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let cookie =
        page.cookies.iter().find(|c| c.starts_with("hw_session=")).unwrap().split(';').next().unwrap().to_string();
    let home = b.get("/", &cookie).await;
    assert!(home.body.contains("lang=\"fr\""), "the account now reads French");
    let unknown = b.get("/sign-in?lang=xx", "").await;
    assert_eq!(unknown.status, StatusCode::OK, "an unknown language falls back to the browser's");
}

#[tokio::test]
async fn a_registration_is_corrected_with_a_phone_number_and_a_stale_form_loses_nothing() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("monitor", "me_officer", None, "en").await;
    let case_id = register(&b, "fatou", "Aminta", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let case = b.get(&format!("/cases/{case_id}"), &cookie).await;
    assert!(case.body.contains(&format!("href=\"/cases/{case_id}/edit\"")), "the case offers the correction");
    let form = b.get(&format!("/cases/{case_id}/edit"), &cookie).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"Aminta\""), "the form holds the registration as it stands");
    let csrf = hidden(&form.body, "csrf");
    let version = hidden(&form.body, "version");
    let fields = |given: &str, version: &str| {
        format!(
            "csrf={csrf}&version={version}&given_name={given}&family_name=Diallo&sex=female&date_of_birth=1990-01-01\
             &date_of_return=2026-01-01&country_of_origin=SN&office=dakar&contacts=%2B221+77+123+45+67%0D%0A%2B221+76+000+00+00\
             &address=Rue+10&languages=wolof%2C+fran%C3%A7ais&interpreter_needed=no&preferred_staff_gender=female&id_document=A1234567"
        )
    };
    let saved = b.post_form(&format!("/cases/{case_id}/edit"), &cookie, &fields("Aminata", &version)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let case = b.get(&format!("/cases/{case_id}"), &cookie).await;
    assert!(case.body.contains("Aminata Diallo"), "the typo is corrected");
    assert!(case.body.contains("href=\"tel:+221 77 123 45 67\""), "the phone is on the case, one tap to call");
    assert!(case.body.contains("wolof, français") && case.body.contains("Rue 10"));
    // The same form sent again, from a stale version: nothing is overwritten, what was typed stays.
    let stale = b.post_form(&format!("/cases/{case_id}/edit"), &cookie, &fields("Aminatou", &version)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone changed this case") && stale.body.contains("value=\"Aminatou\""));
    // A problem is named next to its field, with its label.
    let bad = fields("", &hidden(&b.get(&format!("/cases/{case_id}/edit"), &cookie).await.body, "version"));
    let refused = b.post_form(&format!("/cases/{case_id}/edit"), &cookie, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"given_name-error\""), "{}", refused.body);
    // The M&E officer sees no identities and corrects nothing.
    let monitor = b.sign_in("monitor").await;
    assert!(!b.get(&format!("/cases/{case_id}"), &monitor).await.body.contains("/edit\""));
    assert_eq!(b.get(&format!("/cases/{case_id}/edit"), &monitor).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_record_reads_in_full_and_is_corrected_from_its_page() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let need = r#"{"date":"2026-02-03","dimension":"economic","need":"Sewing machine repair","because":"service_unavailable","mitigation":"Ask the chamber of trades about a mobile repairer in Thiès"}"#;
    let created = api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/unmet-needs"), need.into()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let record_id = created.body.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let cookie = b.sign_in("fatou").await;
    let page = b.get(&format!("/cases/{case_id}/records/unmet-needs"), &cookie).await;
    assert!(
        page.body.contains("Ask the chamber of trades about a mobile repairer in Thiès"),
        "a field outside the list's columns is read in full"
    );
    let edit = format!("/cases/{case_id}/records/unmet-needs/{record_id}");
    assert!(page.body.contains(&format!("href=\"{edit}\"")), "each record offers its correction");
    let form = b.get(&edit, &cookie).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Sewing machine repair"), "the form holds the record as it stands");
    let csrf = hidden(&form.body, "csrf");
    let fields = |version: &str, mitigation: &str| {
        format!(
            "csrf={csrf}&version={version}&date=2026-02-03&dimension=economic&need=Sewing+machine+repair&because=service_unavailable&mitigation={mitigation}"
        )
    };
    let saved = b.post_form(&edit, &cookie, &fields("1", "Repairer+found+in+Thi%C3%A8s")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        b.get(&format!("/cases/{case_id}/records/unmet-needs"), &cookie).await.body.contains("Repairer found in Thiès")
    );
    let missing = b
        .post_form(
            &edit,
            &cookie,
            &format!("csrf={csrf}&version=2&date=2026-02-03&dimension=economic&need=&because=service_unavailable"),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("id=\"need\" name=\"need\" type=\"text\" value=\"\" autofocus"),
        "the cursor on the problem: {}",
        missing.body
    );
    let stale = b.post_form(&edit, &cookie, &fields("1", "Overwritten")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a correction from a stale version overwrites nothing");
    assert!(stale.body.contains("Someone changed") && stale.body.contains("Overwritten"), "and what was typed stays");
}

#[tokio::test]
async fn urgent_flags_show_on_the_case_header_to_those_granted_the_assessments() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("awa", "case_manager", Some("dakar"), "en").await;
    let mut tx = b.store.begin().await.unwrap();
    let mut row = users::get(&mut tx, "fatou").await.unwrap().unwrap();
    row.sections = vec![homeward_domain::access::Section::GbvProtection];
    users::upsert(&mut tx, &row).await.unwrap();
    homeward_store::commit(tx).await.unwrap();
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let assessment = r#"{"date":"2026-02-03","tool":"rapid_vulnerability_assessment","phase":"on_arrival","assessor":"F. Sow","urgent_referral":true,"risk_assessment_needed":true}"#;
    let made =
        api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/vulnerability-assessments"), assessment.into()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let granted = b.sign_in("fatou").await;
    let page = b.get(&format!("/cases/{case_id}"), &granted).await;
    assert!(
        page.body.contains("Urgent referral needed")
            && page.body.contains("A risk assessment and security plan are needed")
    );
    let other = b.sign_in("awa").await;
    let page = b.get(&format!("/cases/{case_id}"), &other).await;
    assert!(!page.body.contains("Urgent referral needed"), "a flag would say what the protection section holds");
}

#[tokio::test]
async fn a_case_managers_home_is_her_work_due_today_this_week_and_overdue() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let home = b.get("/", &cookie).await;
    assert!(home.body.contains("My work"), "{}", home.body);
    assert!(home.body.contains("<h3>Overdue</h3>"), "returned 2026-01-01 with no plan: overdue");
    assert!(
        home.body.contains(&format!("<a href=\"/cases/{case_id}/plan\">Reintegration plan</a>")),
        "each item links to where it is done"
    );
    assert!(home.body.contains("<th scope=\"row\">Follow-up visit</th>"), "counts for every kind");
}

#[tokio::test]
async fn a_registration_shows_possible_duplicates_and_registers_another_person_only_when_confirmed() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let existing = register(&b, "fatou", "Khadija", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let form = b.get("/cases/new", &cookie).await;
    let csrf = hidden(&form.body, "csrf");
    let fields = format!(
        "csrf={csrf}&given_name=Kadija&family_name=Diallo&sex=female&date_of_birth=1990-01-01&date_of_return=2026-02-01&country_of_origin=SN&office=dakar"
    );
    let before = b.store.count_rows("cases").await.unwrap();
    let shown = b.post_form("/cases/new", &cookie, &fields).await;
    assert_eq!(shown.status, StatusCode::OK, "nothing saved yet");
    assert!(shown.body.contains("This person may be registered already"), "{}", shown.body);
    assert!(shown.body.contains(&format!("href=\"/cases/{existing}\"")), "the existing case opens from the warning");
    assert!(shown.body.contains("value=\"Kadija\""), "what was typed is kept");
    assert_eq!(b.store.count_rows("cases").await.unwrap(), before);
    let confirmed = format!("{fields}&confirmed=1&not_duplicates={existing}");
    let saved = b.post_form("/cases/new", &cookie, &confirmed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(b.store.count_rows("cases").await.unwrap(), before + 1);
}

/// The body of an API answer as JSON.
fn json_of(page: &Page) -> serde_json::Value {
    serde_json::from_str(&page.body).unwrap_or_else(|_| panic!("not JSON: {}", page.body))
}

#[tokio::test]
async fn a_partner_lists_its_packets_newest_first_searches_filters_and_prints_one() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let provider = json_of(
        &api_post(
            &b,
            "admin",
            "/api/v1/providers",
            r#"{"organisation":"Centre","services":["training"],"dimensions":["economic"],"country":"SN","place":"Thiès","last_verified":"2026-06-01"}"#.into(),
        )
        .await,
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Referrals send the centre data under a data-sharing agreement in force.
    let agreement = serde_json::json!({"kind": "data_sharing", "title": "Referrals", "office": "dakar",
        "parties": ["IOM", "Centre"], "provider": provider, "scope": "Referral packets",
        "signed_on": "2026-01-01", "starts_on": "2026-01-01", "responsible": "admin"});
    assert_eq!(api_post(&b, "admin", "/api/v1/agreements", agreement.to_string()).await.status, StatusCode::CREATED);
    let mut sent = vec![];
    for (given, service) in [("Awa", "tailoring"), ("Khadija", "welding")] {
        let case_id = register(&b, "admin", given, "dakar").await;
        let plan = r#"{"content":{"place_of_return":"Thiès","summary":{"economic":"Workshop"},"components":[{"dimension":"economic","level":"individual","intervention":"business_start_up_grant","description":"Machines","modality":"in_kind","estimated_cost":{"amount":"1000","currency":"XOF"}}],"goods":[{"item":"Machine","estimated_cost":{"amount":"1000","currency":"XOF"}}]}}"#;
        let plan = json_of(&api_post(&b, "admin", &format!("/api/v1/cases/{case_id}/plans"), plan.into()).await);
        let agree = format!(
            r#"{{"action":"agree","version":{},"attestation":{{"date":"2026-02-25","place":"Dakar","returnee_name":"{given}","returnee_approved":true,"staff_name":"F. Sow","staff_approved":true}}}}"#,
            plan["version"]
        );
        let agreed = api_post(
            &b,
            "admin",
            &format!("/api/v1/cases/{case_id}/plans/{}/transitions", plan["id"].as_str().unwrap()),
            agree,
        )
        .await;
        assert_eq!(agreed.status, StatusCode::OK, "{}", agreed.body);
        let consent = format!(
            r#"{{"purpose":"share_with_partner","method":"written_in_person","given_on":"2026-02-26","partner":"{provider}","plan_version":1,"fields":["name"]}}"#
        );
        assert_eq!(
            api_post(&b, "admin", &format!("/api/v1/cases/{case_id}/consents"), consent).await.status,
            StatusCode::CREATED
        );
        let referral = format!(
            r#"{{"provider":"{provider}","service_type":"{service}","reason":"Course","data_shared":["name"]}}"#
        );
        let r = json_of(&api_post(&b, "admin", &format!("/api/v1/cases/{case_id}/referrals"), referral).await);
        let path = format!("/api/v1/cases/{case_id}/referrals/{}/transitions", r["id"].as_str().unwrap());
        let c = json_of(
            &api_post(&b, "admin", &path, r#"{"action":"consent","version":1,"date":"2026-03-01"}"#.into()).await,
        );
        let s = api_post(
            &b,
            "admin",
            &path,
            format!(r#"{{"action":"send","version":{},"date":"2026-03-01"}}"#, c["version"]),
        )
        .await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        sent.push(r["id"].as_str().unwrap().to_string());
    }
    b.account("centre", "partner", None, Some(&provider), "en").await;
    let cookie = b.sign_in("centre").await;
    let list = b.get("/packets", &cookie).await;
    let (awa, khadija) = (list.body.find("tailoring").unwrap(), list.body.find("welding").unwrap());
    assert!(khadija < awa, "the packet sent last comes first");
    let found = b.get("/packets?q=weld", &cookie).await;
    assert!(found.body.contains("welding") && !found.body.contains("tailoring"), "search by the service");
    let none = b.get("/packets?state=completed", &cookie).await;
    assert!(!none.body.contains("welding") && !none.body.contains("tailoring"), "filter by state");
    let one = b.get(&format!("/packets/{}", sent[0]), &cookie).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.body.contains("tailoring") && !one.body.contains("welding"), "one packet, to print");
    assert!(!one.body.contains("/step\""), "a printed packet carries no forms");
}

#[tokio::test]
async fn a_referral_starts_from_the_plan_component_that_needs_it() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let plan = r#"{"content":{"place_of_return":"Thiès","summary":{"economic":"Workshop"},"components":[{"dimension":"economic","level":"individual","intervention":"vocational_training","description":"Three-month tailoring course","modality":"service","needs_referral":true}]}}"#;
    let plan = json_of(&api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/plans"), plan.into()).await);
    let agree = format!(
        r#"{{"action":"agree","version":{},"attestation":{{"date":"2026-02-25","place":"Dakar","returnee_name":"Awa","returnee_approved":true,"staff_name":"F. Sow","staff_approved":true}}}}"#,
        plan["version"]
    );
    let path = format!("/api/v1/cases/{case_id}/plans/{}/transitions", plan["id"].as_str().unwrap());
    assert_eq!(api_post(&b, "fatou", &path, agree).await.status, StatusCode::OK);
    let cookie = b.sign_in("fatou").await;
    let page = b.get(&format!("/cases/{case_id}/referrals"), &cookie).await;
    assert!(page.body.contains("Refer for: Three-month tailoring course"), "{}", page.body);
    let started = b.get(&format!("/cases/{case_id}/referrals?component=0"), &cookie).await;
    assert!(started.body.contains(">Three-month tailoring course</textarea>"), "the reason comes from the component");
    assert!(started.body.contains("value=\"vocational training\""), "and the service");
    assert!(started.body.contains("name=\"component\" value=\"0\""), "the referral serves that component");
    assert!(started.body.contains("id=\"plan_version_r\" name=\"plan_version\" inputmode=\"numeric\" value=\"1\""));

    // The consent's partner is chosen from the directory, searchable by name, service or place.
    let case_page = b.get(&format!("/cases/{case_id}"), &cookie).await;
    assert!(case_page.body.contains("data-filter-label=\"Find a partner by name, service or place\""));
    assert!(case_page.body.contains("<script src=\"/static/choose.js\" defer></script>"));
    let script = b.get("/static/choose.js", &cookie).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("data-filter-label"));

    // With the returnee's consent to share this plan with a partner, that partner is chosen.
    b.user("root", "admin", None, "en").await;
    let provider = json_of(
        &api_post(
            &b,
            "root",
            "/api/v1/providers",
            r#"{"organisation":"Atelier Sow","services":["tailoring"],"dimensions":["economic"],"country":"SN","place":"Dakar","last_verified":"2026-01-01"}"#.into(),
        )
        .await,
    );
    let provider = provider["id"].as_str().unwrap().to_string();
    let consent = format!(
        r#"{{"purpose":"share_with_partner","method":"written_in_person","given_on":"2026-02-26","partner":"{provider}","plan_version":1,"fields":["name"]}}"#
    );
    let recorded = api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/consents"), consent).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let case_page = b.get(&format!("/cases/{case_id}"), &cookie).await;
    assert!(
        case_page.body.contains("Atelier Sow · Dakar · tailoring</option>"),
        "each partner with its place and services"
    );
    let started = b.get(&format!("/cases/{case_id}/referrals?component=0"), &cookie).await;
    assert!(
        started.body.contains(&format!("id=\"provider-{provider}\" name=\"provider\" value=\"{provider}\" checked")),
        "{}",
        started.body
    );
}

#[tokio::test]
async fn plan_components_are_added_and_removed_in_the_one_form_without_losing_what_was_typed() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let plan =
        json_of(&api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/plans"), r#"{"content":{}}"#.into()).await);
    let plan_id = plan["id"].as_str().unwrap().to_string();
    let cookie = b.sign_in("fatou").await;
    let editor = b.get(&format!("/cases/{case_id}/plan"), &cookie).await;
    let csrf = hidden(&editor.body, "csrf");
    let form = |go: &str| {
        format!(
            "csrf={csrf}&version=1&place_of_return=Thi%C3%A8s&summary.economic=Workshop&components[0].intervention=&components[0].level=individual&components[0].modality=cash&components[0].description=Sewing+machines&go={go}"
        )
    };
    let more = b.post_form(&format!("/cases/{case_id}/plan/{plan_id}"), &cookie, &form("add_component")).await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.body);
    assert!(
        more.body.contains(">Sewing machines</textarea>") && more.body.contains("value=\"Thiès\""),
        "every value kept"
    );
    assert!(more.body.contains("name=\"components[1].description\""), "a new component row");
    let fewer = b.post_form(&format!("/cases/{case_id}/plan/{plan_id}"), &cookie, &form("remove-0")).await;
    assert!(
        !fewer.body.contains("Sewing machines") && fewer.body.contains("value=\"Thiès\""),
        "the row goes, the rest stays"
    );
    let mut conn = b.store.read().await.unwrap();
    let plans = homeward_store::query::plans::of_case(&mut conn, &case_id).await.unwrap();
    assert_eq!(plans[0].version, 1, "nothing was saved by adding or removing a row");
}

#[tokio::test]
async fn the_search_box_suggests_cases_as_you_type() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("monitor", "me_officer", None, "en").await;
    let khadija = register(&b, "fatou", "Khadija", "dakar").await;
    let cookie = b.sign_in("fatou").await;
    let home = b.get("/", &cookie).await;
    assert!(home.body.contains("data-suggest=\"/suggest\"") && home.body.contains("/static/suggest.js"));
    let found = b.get("/suggest?q=Kadija", &cookie).await;
    assert_eq!(found.status, StatusCode::OK);
    let found = json_of(&found);
    assert_eq!(found[0]["id"], khadija.as_str(), "as it sounds, too: {found}");
    assert_eq!(found[0]["name"], "Khadija Diallo");
    assert_eq!(json_of(&b.get("/suggest?q=K", &cookie).await), serde_json::json!([]), "two letters first");
    let monitor = b.sign_in("monitor").await;
    assert_eq!(
        json_of(&b.get("/suggest?q=Khadija", &monitor).await),
        serde_json::json!([]),
        "no names for the M&E officer"
    );
    assert_eq!(b.get("/suggest?q=Khadija", "").await.status, StatusCode::SEE_OTHER, "signed in only");
}

#[tokio::test]
async fn a_supervisor_merges_a_duplicate_from_the_case_page_and_both_cases_show_it() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("mariam", "supervisor", Some("dakar"), "fr").await;
    let kept = register(&b, "fatou", "Khadija", "dakar").await;
    let twice = register(&b, "fatou", "Kadija", "dakar").await;
    let number = async |case: &str| {
        let mut conn = b.store.read().await.unwrap();
        homeward_store::query::cases::get(&mut conn, case).await.unwrap().unwrap().summary.case_number
    };
    let (kept_number, twice_number) = (number(&kept).await, number(&twice).await);

    // The case manager is not offered the merge, and cannot open it.
    let fatou = b.sign_in("fatou").await;
    assert!(!b.get(&format!("/cases/{kept}"), &fatou).await.body.contains("/merge\""));
    assert_eq!(b.get(&format!("/cases/{kept}/merge"), &fatou).await.status, StatusCode::FORBIDDEN);

    // The supervisor finds the duplicate by its number, sees both, and must say why.
    let mariam = b.sign_in("mariam").await;
    let case_page = b.get(&format!("/cases/{kept}"), &mariam).await;
    assert!(case_page.body.contains(&format!("href=\"/cases/{kept}/merge\"")), "offered on the case page");
    let unknown = b.get(&format!("/cases/{kept}/merge?other=HW-1999-000001"), &mariam).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Aucun dossier de vos bureaux"), "{}", unknown.body);
    let review = b.get(&format!("/cases/{kept}/merge?other={}", twice_number.to_lowercase()), &mariam).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(review.body.contains("Kadija Diallo") && review.body.contains("Khadija Diallo"), "both side by side");
    let csrf = hidden(&review.body, "csrf");
    let fields = |reason: &str| {
        format!(
            "csrf={csrf}&other={twice_number}&merged_case={}&version={}&merged_version={}&reason={reason}",
            hidden(&review.body, "merged_case"),
            hidden(&review.body, "version"),
            hidden(&review.body, "merged_version")
        )
    };
    let refused = b.post_form(&format!("/cases/{kept}/merge"), &mariam, &fields("")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<p class=\"error\" id=\"reason-error\">est obligatoire</p>"), "{}", refused.body);
    assert!(refused.body.contains("Kadija Diallo"), "the review stays on screen");
    let done = b.post_form(&format!("/cases/{kept}/merge"), &mariam, &fields("same+ID+card")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some(format!("/cases/{kept}").as_str()));

    // Both cases show it, each linking to the other; the merged one offers no forms.
    let kept_page = b.get(&format!("/cases/{kept}"), &fatou).await;
    assert!(kept_page.body.contains("Merged into this case:"), "{}", kept_page.body);
    assert!(kept_page.body.contains(&format!("<a href=\"/cases/{twice}\">{twice_number}</a>")));
    let merged_page = b.get(&format!("/cases/{twice}"), &fatou).await;
    assert!(merged_page.body.contains("This case was merged into"), "{}", merged_page.body);
    assert!(merged_page.body.contains(&format!("<a href=\"/cases/{kept}\">{kept_number}</a>")));
    assert!(!merged_page.body.contains("name=\"action\""), "no moves on the merged case");
    // Submitted again (back button): refused, and the page says why in French.
    let again = b.post_form(&format!("/cases/{kept}/merge"), &mariam, &fields("again")).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("déjà fusionné dans"), "{}", again.body);
}

#[tokio::test]
async fn the_feasibility_checklist_is_part_of_the_plan_form_and_a_refusal_keeps_its_marks() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let case_id = register(&b, "fatou", "Awa", "dakar").await;
    let plan = r#"{"content":{"components":[{"dimension":"economic","level":"individual","intervention":"vocational_training","description":"Tailoring course","modality":"service"}]}}"#;
    let plan = json_of(&api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/plans"), plan.into()).await);
    let plan_id = plan["id"].as_str().unwrap().to_string();
    let cookie = b.sign_in("fatou").await;
    let editor = b.get(&format!("/cases/{case_id}/plan"), &cookie).await;
    let form_html = &editor.body[editor.body.find("data-draft=\"plan:").unwrap()..];
    let form_html = &form_html[..form_html.find("</form>").unwrap()];
    assert!(form_html.contains("name=\"checklist[0].intervention\" value=\"vocational_training\""), "{form_html}");
    assert!(form_html.contains("name=\"checklist[0].mark0\""), "the criteria are inputs of the plan's form");
    assert!(!editor.body.contains("/plan/checks"), "no second form to submit separately");
    let csrf = hidden(&editor.body, "csrf");
    let checks = async || {
        let mut conn = b.store.read().await.unwrap();
        homeward_store::query::records::list(
            &mut conn,
            &case_id,
            homeward_domain::records::RecordKind::FeasibilityCheck,
        )
        .await
        .unwrap()
        .len()
    };
    let form = |why: &str, months: &str| {
        format!(
            "csrf={csrf}&version=1&place_of_return=Thi%C3%A8s&components[0].intervention=vocational_training&components[0].level=individual&components[0].modality=service&components[0].description=Tailoring+course&checklist[0].intervention=vocational_training&checklist[0].mark0=not_met&checklist[0].why0={why}&checklist[0].mark1=met&estimated_duration_months={months}&go=save"
        )
    };
    let path = format!("/cases/{case_id}/plan/{plan_id}");

    // A criterion not met without a reason: refused at that criterion, every mark kept.
    let refused = b.post_form(&path, &cookie, &form("", "6")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("<p class=\"error\" id=\"checklist[0].why0-error\">not met: say why</p>"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("criterion 1"), "never a criterion's number");
    assert!(refused.body.contains("<option value=\"not_met\" selected>"), "the marks typed are kept");
    // A problem in the plan itself: refused, the checklist's marks and reasons kept.
    let refused = b.post_form(&path, &cookie, &form("No+centre+nearby", "six")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("value=\"No centre nearby\""), "{}", refused.body);
    assert_eq!(checks().await, 0, "nothing recorded while the form is refused");

    let saved = b.post_form(&path, &cookie, &form("No+centre+nearby", "6")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(checks().await, 1, "the checklist is recorded as a feasibility check with the plan");
    let shown = b.get(&format!("/cases/{case_id}/plan"), &cookie).await;
    assert!(shown.body.contains("value=\"No centre nearby\""), "read back as recorded");
    // Saved again unchanged: no second check.
    let again = b.post_form(&path, &cookie, &form("No+centre+nearby", "6").replace("version=1", "version=2")).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(checks().await, 1);
}

#[tokio::test]
async fn those_who_take_surveys_download_the_rss_form_in_their_language_first() {
    let b = Browser::new().await;
    b.user("awa", "counsellor", Some("dakar"), "fr").await;
    b.user("root", "admin", None, "en").await;
    let awa = b.sign_in("awa").await;
    let home = b.get("/", &awa).await;
    assert!(home.body.contains("<a href=\"/forms/rss.xlsx\">Télécharger le formulaire RSS (XLSForm)</a>"));
    // A partner takes no survey: refused.
    let provider = r#"{"organisation":"P","services":["x"],"dimensions":["social"],"country":"SN","place":"Dakar","last_verified":"2026-01-01"}"#;
    let provider = json_of(&api_post(&b, "root", "/api/v1/providers", provider.into()).await);
    b.account("partner", "partner", None, provider["id"].as_str(), "en").await;
    let partner = b.sign_in("partner").await;
    assert_eq!(b.get("/forms/rss.xlsx", &partner).await.status, StatusCode::FORBIDDEN);
    let Some(cells) = workbook(&b, &awa, "/forms/rss.xlsx", "homeward-rss.xlsx").await else { return };
    let settings = &cells["settings"];
    let value = |row: usize, col: usize| settings[row][col][0].as_str().unwrap_or_default().to_string();
    let header: Vec<String> = (0..5).map(|c| value(0, c)).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(value(1, column("form_id")), "homeward_rss");
    assert_eq!(value(1, column("default_language")), "Français (fr)", "her language is the form's default");
    let survey = cells["survey"].as_array().unwrap();
    let names: Vec<&str> = survey.iter().filter_map(|r| r[1][0].as_str()).collect();
    for field in ["round", "start", "end", "today", "deviceid", "username", "case_id", "interview_location"] {
        assert!(names.contains(&field), "the form has {field}: {names:?}");
    }
}

#[tokio::test]
async fn a_form_made_for_an_office_comes_with_its_case_list_without_names_unless_asked() {
    let b = Browser::new().await;
    b.user("awa", "counsellor", Some("dakar"), "en").await;
    b.user("monitor", "me_officer", Some("dakar"), "en").await;
    b.user("root", "admin", None, "en").await;
    let here = register(&b, "root", "Khadija", "dakar").await;
    register(&b, "root", "Binta", "thies").await;
    let number = {
        let mut conn = b.store.read().await.unwrap();
        homeward_store::query::cases::get(&mut conn, &here).await.unwrap().unwrap().summary.case_number
    };
    let awa = b.sign_in("awa").await;
    let home = b.get("/", &awa).await;
    assert!(home.body.contains("href=\"/forms/rss.xlsx?cases=1\"") && home.body.contains("href=\"/forms/cases.csv\""));
    let list = b.get("/forms/cases.csv", &awa).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.starts_with("name,label\n"), "{}", list.body);
    assert!(list.body.contains(&format!("\"{number}\",\"{number} · F · 36 · 2026-01-01\"")), "{}", list.body);
    assert!(!list.body.contains("Khadija") && !list.body.contains("Binta"), "no names, no other office");
    let named = b.get("/forms/cases.csv?names=1", &awa).await;
    assert!(named.body.contains(&format!("\"{number} · Khadija Diallo\"")), "{}", named.body);
    let monitor = b.sign_in("monitor").await;
    assert!(
        !b.get("/forms/cases.csv?names=1", &monitor).await.body.contains("Khadija"),
        "never names to the M&E officer"
    );
    // Every case listed is audited: the list leaves Homeward for the devices.
    b.reads.settle().await.unwrap();
    let mut conn = b.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &here, 100).await.unwrap();
    assert!(log.iter().filter(|e| e.entry.action == "list" && e.entry.actor == "awa").count() >= 2, "{log:?}");
    drop(conn);
    // A user of every office says which office.
    let root = b.sign_in("root").await;
    assert_eq!(b.get("/forms/cases.csv", &root).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.get("/forms/cases.csv?office=thies", &root).await.body.contains(" · F · 36 · "));
    let Some(cells) = workbook(&b, &awa, "/forms/rss.xlsx?cases=1", "homeward-rss-case-list.xlsx").await else {
        return;
    };
    let survey = cells["survey"].as_array().unwrap();
    let case_row = survey.iter().find(|r| r[1][0] == "case_id").unwrap();
    assert_eq!(case_row[0][0], "select_one_from_file cases.csv");
}

/// A multipart upload of `file` named `name` with the form's token, as a browser sends it.
async fn upload(b: &Browser, cookie: &str, csrf: &str, name: &str, file: &[u8]) -> Page {
    multipart(b, cookie, "/imports", csrf, &[("file", name, file)]).await
}

/// A multipart form posted to `path`: the form's token and each (field, file name, content).
async fn multipart(b: &Browser, cookie: &str, path: &str, csrf: &str, files: &[(&str, &str, &[u8])]) -> Page {
    let boundary = "hwboundary7";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
    for (field, name, content) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    b.send(request).await
}

/// A case manager imports the office's caseload from a spreadsheet: the check shows how the
/// columns were read and each row that will not simply be created (in French, naming the column),
/// nothing stored; creating with a refused row creates nothing; ticking a possible duplicate as
/// another person and keeping the good rows creates exactly those, linked. Someone else's upload,
/// a forged form, a file that is no caseload and a user who may not register are refused.
#[tokio::test]
async fn a_caseload_spreadsheet_is_checked_then_imported_from_the_web_app() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "fr").await;
    b.user("binta", "case_manager", Some("dakar"), "en").await;
    b.user("moussa", "me_officer", None, "en").await;
    let existing = register(&b, "fatou", "Aminata", "dakar").await;
    let sheet = "Prénom;Nom;Sexe;Né le;Date de retour;Pays;Notes\n\
                 Ousmane;Kane;H;05/05/1989;05/01/2026;Sénégal;\n\
                 Awa;Ndiaye;F;31/02/1990;05/01/2026;SN;\n\
                 Aminata;Diallo;F;01/01/1990;01/01/2026;SN;already ours?\n";
    let fatou = b.sign_in("fatou").await;
    let caseload = b.get("/", &fatou).await;
    assert!(caseload.body.contains("href=\"/imports/cases\""), "linked from the caseload");
    let form = b.get("/imports/cases", &fatou).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = hidden(&form.body, "csrf");
    let cases_before = b.store.count_rows("cases").await.unwrap();

    let check = multipart(&b, &fatou, "/imports/cases", &csrf, &[("file", "dossiers.csv", sheet.as_bytes())]).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(check.body.contains("Dossiers à créer: <strong>1</strong>"), "{}", check.body);
    assert!(
        check
            .body
            .contains("<td data-label=\"Colonne\">Notes</td><td data-label=\"Champ de Homeward\">non utilisée</td>")
    );
    assert!(
        check.body.contains("<strong>Né le</strong>: « 31/02/1990 » n&#39;est pas une date"),
        "the column and the reason in French: {}",
        check.body
    );
    assert!(check.body.contains(&format!("href=\"/cases/{existing}\"")), "the possible duplicate, linked");
    assert_eq!(b.store.count_rows("cases").await.unwrap(), cases_before, "a check stores nothing");
    let upload = check.body.split("action=\"/imports/cases/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let confirm = format!("/imports/cases/{upload}");

    let binta = b.sign_in("binta").await;
    let binta_csrf = hidden(&b.get("/imports/cases", &binta).await.body, "csrf");
    assert_eq!(b.post_form(&confirm, &binta, &format!("csrf={binta_csrf}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.post_form(&confirm, &fatou, "csrf=forged").await.status, StatusCode::FORBIDDEN);

    let none = b.post_form(&confirm, &fatou, &format!("csrf={csrf}")).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("id=\"nothing-created\""), "all or nothing: {}", none.body);
    assert_eq!(b.store.count_rows("cases").await.unwrap(), cases_before);

    let done = b.post_form(&confirm, &fatou, &format!("csrf={csrf}&partial=1&another_person=4")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(b.store.count_rows("cases").await.unwrap(), cases_before + 2, "Ousmane, and Aminata confirmed");
    let created = done.body.split("id=\"created\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(created.contains("Ousmane Kane") && created.contains("Aminata Diallo"), "{created}");
    assert!(!created.contains("Awa"), "the refused row is left out");
    let again = b.post_form(&confirm, &fatou, &format!("csrf={csrf}&partial=1")).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "created once: the upload is gone");

    let not_caseload =
        multipart(&b, &fatou, "/imports/cases", &csrf, &[("file", "budget.csv", b"item,amount\nx,1\n")]).await;
    assert_eq!(not_caseload.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_caseload.body.contains("aucune colonne ne donne given_name"), "{}", not_caseload.body);
    let mapping = b"[columns]\nItem = \"given_name\"\n[defaults]\nfamily_name = 1\n";
    let bad_mapping = multipart(
        &b,
        &fatou,
        "/imports/cases",
        &csrf,
        &[("file", "budget.csv", b"item,amount\nx,1\n"), ("mapping", "map.toml", mapping)],
    )
    .await;
    assert_eq!(bad_mapping.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_mapping.body.contains("le fichier de correspondance est inutilisable"), "{}", bad_mapping.body);
    let moussa = b.sign_in("moussa").await;
    assert_eq!(b.get("/imports/cases", &moussa).await.status, StatusCode::FORBIDDEN);
}

/// A counsellor imports a KoboToolbox export from the web app: the upload shows what the import
/// would do (nothing stored), the import stores it and leads to its entry in the log, and the
/// row not stored is shown on its case with why. Confirming twice imports once; someone else's
/// upload, a missing form token and a file that is no export are refused with a clear message.
#[tokio::test]
async fn surveys_exported_from_kobo_are_previewed_then_imported_from_the_web_app() {
    let b = Browser::new().await;
    b.user("awa", "counsellor", Some("dakar"), "fr").await;
    b.user("binta", "counsellor", Some("dakar"), "en").await;
    b.account("partner", "partner", None, None, "en").await;
    b.user("fatou", "case_manager", Some("dakar"), "fr").await;
    let case_id = register(&b, "fatou", "Aminata", "dakar").await;
    let number = {
        let mut conn = b.store.read().await.unwrap();
        homeward_store::query::cases::get(&mut conn, &case_id).await.unwrap().unwrap().summary.case_number
    };
    let mut csv = String::from("_uuid;profile/case_id;profile/round;profile/interview_date;consent");
    for (q, _) in homeward_test_support::BEST_ANSWERS {
        csv.push_str(&format!(";grp/{q}"));
    }
    csv.push('\n');
    for (instance, round) in [("w1", "baseline"), ("w2", "midline")] {
        csv.push_str(&format!("uuid:{instance};{number};{round};2026-03-02;yes"));
        for (_, a) in homeward_test_support::BEST_ANSWERS {
            csv.push_str(&format!(";{a}"));
        }
        csv.push('\n');
    }
    let awa = b.sign_in("awa").await;
    let home = b.get("/", &awa).await;
    assert!(home.body.contains("<a href=\"/imports\">"), "linked from the home page");
    let form = b.get("/imports", &awa).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let csrf = hidden(&form.body, "csrf");

    let preview = upload(&b, &awa, &csrf, "kobo.csv", csv.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("id=\"preview-title\""), "{}", preview.body);
    assert!(
        preview.body.contains("Enquêtes à enregistrer : <strong>1</strong>")
            || preview.body.contains("Enquêtes à enregistrer: <strong>1</strong>"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("midline"), "the refused row and why");
    assert_eq!(b.count_surveys(&case_id).await, 0, "a preview stores nothing");
    let action =
        preview.body.split("action=\"/imports/uploads/").nth(1).unwrap().split('"').next().unwrap().to_string();

    let binta = b.sign_in("binta").await;
    let stolen = b
        .post_form(
            &format!("/imports/uploads/{action}"),
            &binta,
            &format!("csrf={}", hidden(&b.get("/imports", &binta).await.body, "csrf")),
        )
        .await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND, "someone else's upload");
    assert_eq!(
        b.post_form(&format!("/imports/uploads/{action}"), &awa, "csrf=forged").await.status,
        StatusCode::FORBIDDEN
    );
    let done = b.post_form(&format!("/imports/uploads/{action}"), &awa, &format!("csrf={csrf}")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let entry = done.location.unwrap();
    assert!(entry.starts_with("/imports/log/"));
    assert_eq!(b.count_surveys(&case_id).await, 1);
    let log = b.get(&entry, &awa).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("kobo.csv") && log.body.contains("Non enregistrée"), "{}", log.body);
    assert!(
        log.body.contains("« midline » n&#39;est pas une vague d&#39;enquête"),
        "the reason in French: {}",
        log.body
    );
    assert_eq!(b.get(&entry, &binta).await.status, StatusCode::NOT_FOUND, "another user's import");
    let again = b.post_form(&format!("/imports/uploads/{action}"), &awa, &format!("csrf={csrf}")).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "confirming twice imports once");
    assert!(again.body.contains("n&#39;attend plus"), "{}", again.body);
    assert_eq!(b.count_surveys(&case_id).await, 1);

    let case = b.get(&format!("/cases/{case_id}"), &awa).await;
    assert!(case.body.contains("Venu du terrain") && case.body.contains("id=\"field-refused\""), "{}", case.body);
    assert!(case.body.contains("round:"), "the column and the reason on the case");
    let sent = case.body.split("id=\"field-submissions\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(sent.contains("KoboToolbox") && sent.contains(">Notée<"), "what became of the submission: {sent}");

    let not_export = upload(&b, &awa, &csrf, "budget.csv", b"name,amount\nx,1\n").await;
    assert_eq!(not_export.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_export.body.contains("id=\"import-problem\""), "{}", not_export.body);
    let partner = b.sign_in("partner").await;
    assert_eq!(b.get("/imports", &partner).await.status, StatusCode::FORBIDDEN);
}

/// The export page says what this user's export holds and leaves out; its downloads are the
/// export in the user's language (sheet names included); a partner's holds its packets only.
#[tokio::test]
async fn the_export_page_says_what_it_holds_and_downloads_it() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "fr").await;
    b.user("moussa", "me_officer", None, "en").await;
    register(&b, "fatou", "Aminata", "dakar").await;
    let fatou = b.sign_in("fatou").await;
    assert!(b.get("/", &fatou).await.body.contains("href=\"/exports\""), "linked from the caseload");
    let page = b.get("/exports", &fatou).await;
    assert_eq!(page.status, StatusCode::OK);
    let parts = page.body.split("id=\"export-parts\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(parts.contains("Membres du ménage") && parts.contains("Enquêtes et scores"), "{parts}");
    assert!(page.body.contains("id=\"export-left-out\""), "no section granted: said");
    let Some(sheets) = read_workbook(&b, &fatou, "/exports/cases.xlsx", None, "scripts/oracles/xlsx_cells.py").await
    else {
        return;
    };
    let names: Vec<&String> = sheets.as_object().unwrap().keys().collect();
    assert!(names.iter().any(|n| *n == "À propos de cet export"), "{names:?}");
    assert!(names.iter().any(|n| *n == "Dossiers"), "{names:?}");
    let cases = sheets["Dossiers"].as_array().unwrap();
    assert!(cases.iter().skip(1).any(|row| row.as_array().unwrap().iter().any(|c| c[0] == "Aminata")), "{cases:?}");
    let moussa = b.sign_in("moussa").await;
    let page = b.get("/exports", &moussa).await;
    assert!(page.body.contains("your role sees pseudonymised data"), "{}", page.body);
    assert!(!page.body.contains("Household members"));
    assert_eq!(b.get("/exports/cases.pdf", &moussa).await.status, StatusCode::NOT_FOUND);
}

/// A French case manager records a community (a missing field said at its input), proposes a
/// project from its page, screens it with a negative criterion met, is refused approval without a
/// justification (said in French), approves it with one, adds a returnee of the community and a
/// member of the community, and budgets and spends; the M&E officer reads it without names.
#[tokio::test]
async fn a_community_project_is_run_from_the_web_app() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "fr").await;
    b.user("moussa", "me_officer", None, "en").await;
    let body = r#"{"given_name":"Awa","family_name":"Ba","sex":"female","date_of_birth":"1990-01-01","date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar","profile":{"community":"Pikine"}}"#;
    let page = api_post(&b, "fatou", "/api/v1/cases", body.to_string()).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let fatou = b.sign_in("fatou").await;
    assert!(b.get("/", &fatou).await.body.contains("id=\"communities-link\""), "linked from the caseload");
    let list = b.get("/communities", &fatou).await;
    assert_eq!(list.status, StatusCode::OK);
    let csrf = hidden(&list.body, "csrf");
    let missing = b
        .post_form(
            "/communities",
            &fatou,
            &format!("csrf={csrf}&name=Pikine&office=dakar&country=SN&assessed_on=2026-01-10"),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("id=\"sources-error\""), "the missing field at its input: {}", missing.body);
    let created = b
        .post_form(
            "/communities",
            &fatou,
            &format!("csrf={csrf}&name=Pikine&office=dakar&country=SN&sources=focus+groups&assessed_on=2026-01-10"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let community = created.location.unwrap();
    let page = b.get(&community, &fatou).await;
    assert!(page.body.contains("id=\"community-returnees\"") && page.body.contains("Awa Ba"), "{}", page.body);
    assert!(
        page.body.contains("Intégration de personnes de retour dans un projet existant"),
        "the catalogue in French"
    );
    let proposed = b
        .post_form(
            &format!("{community}/projects"),
            &fatou,
            &format!("csrf={csrf}&title=Jardin&approach=new_community_project&activity=local_development_livelihood&description=un+jardin"),
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let project = proposed.location.unwrap();
    let mut screening = format!("csrf={csrf}&version=1");
    for c in &homeward_domain::community::ProjectCatalogue::builtin().criteria {
        let negative = c.kind == Some(homeward_domain::community::CriterionKind::Negative);
        if !negative || c.id == "not_viable" {
            screening.push_str(&format!("&met_{}=1", c.id));
        }
        screening.push_str(&format!("&reason_{}=vu", c.id));
    }
    let screened = b.post_form(&format!("{project}/screening"), &fatou, &screening).await;
    assert_eq!(screened.status, StatusCode::SEE_OTHER, "{}", screened.body);
    let refused =
        b.post_form(&format!("{project}/moves"), &fatou, &format!("csrf={csrf}&version=2&action=approve")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("l&#39;approuver demande une justification"), "in French: {}", refused.body);
    let approved = b
        .post_form(
            &format!("{project}/moves"),
            &fatou,
            &format!("csrf={csrf}&version=2&action=approve&justification=revu"),
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let page = b.get(&project, &fatou).await;
    assert!(page.body.contains("<dd id=\"project-state\">approuvé</dd>"), "{}", page.body);
    let case_id = page.body.split("<option value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let joined = b
        .post_form(
            &format!("{project}/participants"),
            &fatou,
            &format!("csrf={csrf}&case_id={case_id}&returnee_role=membre"),
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let member = format!("csrf={csrf}&name=Ndeye+Faye&sex=female&age_group=35_49&role=animatrice&joined_on=2026-02-01");
    assert_eq!(b.post_form(&format!("{project}/participants"), &fatou, &member).await.status, StatusCode::SEE_OTHER);
    for (kind, amount) in [("planned", "500000"), ("spent", "125000")] {
        let line = format!(
            "csrf={csrf}&kind={kind}&date=2026-02-15&amount.amount={amount}&amount.currency=XOF&description=semences"
        );
        assert_eq!(b.post_form(&format!("{project}/ledger"), &fatou, &line).await.status, StatusCode::SEE_OTHER);
    }
    let page = b.get(&project, &fatou).await;
    let counts = page.body.split("id=\"participant-counts\">").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(counts.contains("Personnes de retour: 1") && counts.contains("Membres de la communauté: 1"), "{counts}");
    let totals = page.body.split("id=\"ledger-totals\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(totals.contains(">500000<") && totals.contains(">125000<") && totals.contains(">375000<"), "{totals}");

    // Started, then the satisfaction survey (a missing age group said at its field).
    let started =
        b.post_form(&format!("{project}/moves"), &fatou, &format!("csrf={csrf}&version=3&action=start")).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let incomplete = b
        .post_form(
            &format!("{project}/satisfaction"),
            &fatou,
            &format!(
                "csrf={csrf}&respondent=community_member&sex=female&date={}&satisfied=on",
                homeward_store::today()
            ),
        )
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(incomplete.body.contains("id=\"age_group-error\""), "{}", incomplete.body);
    let answer = format!(
        "csrf={csrf}&respondent=community_member&sex=female&age_group=35_49&date={}&satisfied=on",
        homeward_store::today()
    );
    assert_eq!(b.post_form(&format!("{project}/satisfaction"), &fatou, &answer).await.status, StatusCode::SEE_OTHER);
    let page = b.get(&project, &fatou).await;
    assert_eq!(page.body.matches("id=\"satisfaction-counts\"").count(), 1, "once, in the page's content");
    let title = page.body.split("<title>").nth(1).unwrap().split("</title>").next().unwrap();
    assert!(!title.contains('<'), "a plain title: {title}");
    let counts = page.body.split("id=\"satisfaction-counts\">").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(counts.contains("ayant répondu: 1") && counts.contains("satisfaits: 1"), "{counts}");

    let moussa = b.sign_in("moussa").await;
    let theirs = b.get(&project, &moussa).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("Awa") && !theirs.body.contains("Ndeye"), "no names for the M&E officer");
    assert!(!theirs.body.contains("id=\"member-form\""), "read only");

    // The outreach focal point's home is the communities; they run the project without case data.
    b.user("khady", "outreach", Some("dakar"), "en").await;
    let khady = b.sign_in("khady").await;
    let home = b.get("/", &khady).await;
    assert_eq!((home.status, home.location.as_deref()), (StatusCode::SEE_OTHER, Some("/communities")));
    let theirs = b.get(&project, &khady).await;
    assert!(
        theirs.body.contains("Ndeye Faye") && !theirs.body.contains("Awa"),
        "members, not returnees: {}",
        theirs.body
    );
    assert!(!theirs.body.contains("id=\"returnee-form\""), "no case to choose from");
}

/// A case manager maps the office's stakeholders from a form (a missing field said at its input);
/// the map reads as a table in the user's words and as an influence by interest grid; the M&E
/// officer reads it without the form.
#[tokio::test]
async fn the_stakeholder_map_is_kept_as_a_table_and_a_grid() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "fr").await;
    b.user("moussa", "me_officer", None, "en").await;
    let fatou = b.sign_in("fatou").await;
    let communities = b.get("/communities", &fatou).await;
    assert!(communities.body.contains("id=\"stakeholders-link\""), "linked from the communities");
    let page = b.get("/stakeholders", &fatou).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = hidden(&page.body, "csrf");
    let fields = "name=Mairie+de+Pikine&office=dakar&category=local_authority&level=local&interest=high&influence=high\
                  &willingness=medium&stance=supporter&mapped_on=2026-01-10";
    let missing = b.post_form("/stakeholders", &fatou, &format!("csrf={csrf}&{fields}")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("id=\"role_and_functions-error\""), "{}", missing.body);
    let added =
        b.post_form("/stakeholders", &fatou, &format!("csrf={csrf}&{fields}&role_and_functions=terrains")).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = b.get("/stakeholders", &fatou).await;
    let matrix = page.body.split("id=\"stakeholder-matrix\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(matrix.contains(">autorité locale<") && matrix.contains(">associer étroitement<"), "{matrix}");
    let grid = page.body.split("id=\"stakeholder-grid\"").nth(1).unwrap().split("</svg>").next().unwrap();
    assert!(
        grid.contains("role=\"img\"") && grid.contains("aria-describedby=\"stakeholder-matrix\""),
        "a drawing with its words"
    );
    assert!(
        grid.contains(">Mairie de Pikine</text>") && grid.contains("x=\"448\""),
        "high interest, right column: {grid}"
    );
    let moussa = b.sign_in("moussa").await;
    let theirs = b.get("/stakeholders", &moussa).await;
    assert!(theirs.body.contains("Mairie de Pikine") && !theirs.body.contains("id=\"stakeholder-form\""));
}

/// How each sheet of a workbook prints (openpyxl): orientation, paper, fit, repeated rows, footer.
async fn print_setup(b: &Browser, cookie: &str, path: &str) -> Option<serde_json::Value> {
    read_workbook(b, cookie, path, None, "scripts/oracles/xlsx_print.py").await
}

/// The workbooks a donor receives print as reports: every sheet A4 landscape, one page wide,
/// its header row on every page, page numbers in the footer; and they are in the user's
/// language, sheet names included.
#[tokio::test]
async fn the_workbooks_print_as_reports_in_the_users_language() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    b.user("directrice", "admin", None, "fr").await;
    let cookie = b.sign_in("admin").await;
    six_cases_with_a_best_baseline(&b, &cookie).await;
    let french = b.sign_in("directrice").await;
    let paths = [
        "/indicators.xlsx?from=2026-01-01&to=2026-12-31",
        "/dashboard.xlsx?from=2026-01-01&to=2026-12-31",
        "/exports/cases.xlsx",
    ];
    for path in paths {
        let Some(sheets) = print_setup(&b, &french, path).await else { return };
        let sheets = sheets.as_object().unwrap();
        assert!(sheets.keys().any(|k| k.starts_with("À propos")), "{path}: {:?}", sheets.keys());
        for (name, setup) in sheets {
            assert_eq!(setup["orientation"], "landscape", "{path} {name}");
            assert_eq!(setup["paper_size"], 9, "{path} {name}: A4");
            assert_eq!(
                (setup["fit_to_page"].as_bool(), setup["fit_width"].as_i64(), setup["fit_height"].as_i64()),
                (Some(true), Some(1), Some(0)),
                "{path} {name}"
            );
            assert_eq!(setup["title_rows"], "$1:$1", "{path} {name}: the header row on every page");
            assert_eq!(setup["footer"], true, "{path} {name}");
        }
    }
    let Some(book) = workbook(
        &b,
        &french,
        "/indicators.xlsx?from=2026-01-01&to=2026-12-31",
        "homeward-indicators-2026-01-01-2026-12-31.xlsx",
    )
    .await
    else {
        return;
    };
    assert_eq!(book["Indicateurs"][0][0][0], "Indicateur");
    assert!(book.as_object().unwrap().contains_key("1. Par sexe"), "{:?}", book.as_object().unwrap().keys());
    assert_eq!(book["1. Par sexe"][1][0][0], "femme");
    let Some(dashboard) = workbook(
        &b,
        &french,
        "/dashboard.xlsx?from=2026-01-01&to=2026-12-31",
        "homeward-dashboard-2026-01-01-2026-12-31.xlsx",
    )
    .await
    else {
        return;
    };
    let header: Vec<String> = dashboard["Scores par dimension"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(&header[..3], ["Dimension", "n", "Moyenne"], "the dashboard's columns in French too: {header:?}");
}

/// A returnee asks for their data: the case manager prints everything Homeward holds about them
/// in French (their language), or downloads it as JSON. Medical notes come only when asked; a
/// role without a section's grant produces a file that says what it leaves out; the M&E officer
/// cannot produce one. Audited as a data-subject request.
#[tokio::test]
async fn a_returnees_own_file_is_produced_in_their_language_with_need_to_know_kept() {
    let b = Browser::new().await;
    let mut tx = b.store.begin().await.unwrap();
    let fatou = UserRow {
        username: "fatou".into(),
        role: homeward_domain::access::Role::CaseManager,
        office: Some("dakar".into()),
        provider_id: None,
        sections: vec![homeward_domain::access::Section::Health],
        language: "en".into(),
        password_hash: homeward_service::auth::hash_password("correct horse battery").unwrap(),
        disabled: false,
        created_at: homeward_store::now(),
        emergency_sharing: false,
    };
    users::upsert(&mut tx, &fatou).await.unwrap();
    homeward_store::commit(tx).await.unwrap();
    b.user("awa", "counsellor", Some("dakar"), "fr").await;
    b.user("monitor", "me_officer", None, "en").await;
    let body = r#"{"given_name":"Aminata","family_name":"Diallo","sex":"female","date_of_birth":"1990-01-01","date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar","profile":{"languages":["French"]}}"#;
    let page = api_post(&b, "fatou", "/api/v1/cases", body.to_string()).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let case_id = page.body.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let note = r#"{"section":"health","date":"2026-02-02","text":"diabetes treatment ongoing"}"#;
    let noted = api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/sensitive-notes"), note.to_string()).await;
    assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.body);
    let consent = r#"{"purpose":"survey_interview","method":"verbal_by_phone","given_on":"2026-01-05"}"#;
    let consented = api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/consents"), consent.to_string()).await;
    assert_eq!(consented.status, StatusCode::CREATED, "{}", consented.body);
    let mut answers = String::new();
    for (q, a) in homeward_test_support::BEST_ANSWERS {
        answers.push_str(&format!("{}\"{q}\":\"{a}\"", if answers.is_empty() { "" } else { "," }));
    }
    let survey = format!(r#"{{"phase":"baseline","date":"2026-02-10","consent":"yes","answers":{{{answers}}}}}"#);
    let surveyed = api_post(&b, "fatou", &format!("/api/v1/cases/{case_id}/surveys"), survey).await;
    assert_eq!(surveyed.status, StatusCode::CREATED, "{}", surveyed.body);

    let cookie = b.sign_in("fatou").await;
    let case = b.get(&format!("/cases/{case_id}"), &cookie).await;
    assert!(case.body.contains("id=\"own-file-link\""));
    let file = b.get(&format!("/cases/{case_id}/own-file"), &cookie).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(file.body.contains("<html lang=\"fr\""), "in the returnee's language");
    assert!(file.body.contains("Tout ce que Homeward détient sur vous") && file.body.contains("Aminata"));
    assert!(file.body.contains("Consentements donnés et retirés") && file.body.contains("Aide reçue"));
    // The summary first, laid out for the returnee, every code in words of their language.
    let summary = file.body.split("id=\"own-file-summary\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(summary.contains("<h2 id=\"summary-title\">En bref</h2>"), "{summary}");
    assert!(summary.contains("<dd>Aminata Diallo</dd>") && summary.contains("<dd>femme</dd>"), "{summary}");
    assert!(summary.contains("<dd>Senegal (SN)</dd>") && summary.contains("<dd>1 janv. 1990</dd>"), "{summary}");
    let consents = summary.split("id=\"summary-consents\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(consents.contains(">un entretien RSS ou de suivi-évaluation<") && consents.contains(">en vigueur<"));
    let surveys = summary.split("id=\"summary-surveys\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(surveys.contains(">initiale<") && surveys.contains(">1,00<"), "{surveys}");
    assert!(summary.contains("pondérations provisoires"), "provisional scores are never presented as official");
    let plan = summary.split("<h3>Plan de réintégration</h3>").nth(1).unwrap().split("<h3>").next().unwrap();
    assert!(plan.contains("Rien d&#39;enregistré."), "no plan yet, said: {plan}");
    assert!(!file.body.contains("diabetes"), "medical records only when the returnee asks");
    let medical = b.get(&format!("/cases/{case_id}/own-file?medical=1&lang=en"), &cookie).await;
    assert!(
        medical.body.contains("diabetes treatment ongoing")
            && medical.body.contains("Everything Homeward holds about you")
    );
    let json = b.get(&format!("/cases/{case_id}/own-file.json"), &cookie).await;
    let json: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(json["case"]["given_name"], "Aminata");
    assert_eq!(json["sensitive_notes"].as_array().unwrap().len(), 0);
    assert!(json["left_out"].to_string().contains("health notes"), "{}", json["left_out"]);

    // A counsellor without the health grant: the file says the section is left out.
    let awa = b.sign_in("awa").await;
    let theirs = b.get(&format!("/cases/{case_id}/own-file?medical=1"), &awa).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("diabetes"));
    assert!(
        theirs.body.contains("id=\"own-file-left-out\"") && theirs.body.contains("health section"),
        "{}",
        theirs.body
    );
    let monitor = b.sign_in("monitor").await;
    assert_eq!(b.get(&format!("/cases/{case_id}/own-file"), &monitor).await.status, StatusCode::FORBIDDEN);

    b.reads.settle().await.unwrap();
    let mut conn = b.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &case_id, 200).await.unwrap();
    assert!(
        log.iter().any(|e| e.entry.action == "subject_access" && e.entry.actor == "fatou"),
        "audited as a data-subject request"
    );
}

#[tokio::test]
async fn agreements_and_mentoring_pages_keep_to_each_role_and_office() {
    let b = Browser::new().await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    b.user("focal", "outreach", Some("dakar"), "en").await;
    b.user("awa", "case_manager", Some("thies"), "en").await;
    b.user("monitor", "me_officer", None, "en").await;
    let fatou = b.sign_in("fatou").await;
    let structures = b.get("/structures", &fatou).await;
    assert_eq!(structures.status, StatusCode::OK, "{}", structures.body);
    let csrf = hidden(&structures.body, "csrf");
    // A forged form is refused; a good one records the agreement and shows where it stands.
    let form = "kind=mou&title=MoU+with+the+town+hall&office=dakar&parties=IOM%0D%0AMairie&scope=Land&signed_on=2026-01-05&starts_on=2026-01-05&ends_on=&renewal_notice_days=60&responsible=fatou";
    assert_eq!(b.post_form("/agreements", &fatou, &format!("csrf=forged&{form}")).await.status, StatusCode::FORBIDDEN);
    let made = b.post_form("/agreements", &fatou, &format!("csrf={csrf}&{form}")).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let path = made.location.unwrap();
    let page = b.get(&path, &fatou).await;
    assert!(page.body.contains("<span class=\"tag\">in force</span>"), "{}", page.body);
    // Renewed from its page with the version read; the same form again is stale.
    let version = hidden(&page.body, "version");
    let renewed = format!("csrf={csrf}&version={version}&{}", form.replace("ends_on=", "ends_on=2027-12-31"));
    assert_eq!(b.post_form(&path, &fatou, &renewed).await.status, StatusCode::SEE_OTHER);
    let stale = b.post_form(&path, &fatou, &renewed).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", stale.body);
    // A data-sharing agreement is for the directory's keepers: the outreach focal point is told.
    let focal = b.sign_in("focal").await;
    let dsa = form.replace("kind=mou", "kind=data_sharing");
    let refused = b
        .post_form(
            "/agreements",
            &focal,
            &format!("csrf={}&{dsa}", hidden(&b.get("/structures", &focal).await.body, "csrf")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("manage_providers"), "{}", refused.body);
    // The focal point sees the mentors, not the mentorships (case data).
    let mentoring = b.get("/mentoring", &focal).await;
    assert_eq!(mentoring.status, StatusCode::OK);
    assert!(mentoring.body.contains("id=\"mentors\"") && !mentoring.body.contains("id=\"mentorships\""));
    // Another office finds nothing; the pseudonymised role reads no mentoring notes.
    let awa = b.sign_in("awa").await;
    assert_eq!(b.get(&path, &awa).await.status, StatusCode::NOT_FOUND);
    let case = register(&b, "fatou", "Mariama", "dakar").await;
    let monitor = b.sign_in("monitor").await;
    assert_eq!(b.get(&format!("/cases/{case}/mentoring"), &monitor).await.status, StatusCode::FORBIDDEN);
    let own = b.get(&format!("/cases/{case}/mentoring"), &fatou).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("No mentor of this office takes new mentees."), "{}", own.body);
}

#[tokio::test]
async fn an_administrator_reads_the_programme_settings_and_rescores_the_stored_surveys() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    b.user("fatou", "case_manager", Some("dakar"), "en").await;
    let fatou = b.sign_in("fatou").await;
    assert_eq!(b.get("/admin/programme", &fatou).await.status, StatusCode::FORBIDDEN);
    let admin = b.sign_in("admin").await;
    let page = b.get("/admin/programme", &admin).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "<td>RSS scoring profile</td><td><code>rss-profile.toml</code></td><td>bundled with Homeward</td>"
        ),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"profile-in-force\">rss-provisional-1</strong> (provisional)"), "{}", page.body);
    // Every survey already has its result under the profile in force: a rescore adds none.
    let case = register(&b, "admin", "Awa", "dakar").await;
    let answers: serde_json::Map<String, serde_json::Value> =
        homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| (q.to_string(), (*a).into())).collect();
    let survey = serde_json::json!({"phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": answers});
    assert_eq!(
        api_post(&b, "admin", &format!("/api/v1/cases/{case}/surveys"), survey.to_string()).await.status,
        StatusCode::CREATED
    );
    let csrf = hidden(&page.body, "csrf");
    assert_eq!(b.post_form("/admin/programme/rescore", &admin, "csrf=forged").await.status, StatusCode::FORBIDDEN);
    let done = b.post_form("/admin/programme/rescore", &admin, &format!("csrf={csrf}")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains(
            "Rescored under rss-provisional-1: 0 scored, 0 discarded, 0 invalid; 1 already had a result, kept."
        ),
        "{}",
        done.body
    );
    assert!(done.body.contains("<td>rss-provisional-1</td><td>provisional</td><td>1 / 1</td>"), "{}", done.body);
}

#[tokio::test]
async fn the_dashboard_shows_the_profile_in_force_and_lets_the_user_choose_the_provisional_one_kept() {
    let mut b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let cookie = b.sign_in("admin").await;
    ten_cases_over_two_rounds(&b).await;
    // The server restarts under an official profile; the stored surveys are rescored under it.
    let instrument = homeward_rss::builtin::instrument();
    let official = homeward_rss::builtin::PROVISIONAL_PROFILE_TOML
        .replace("name = \"rss-provisional-1\"", "name = \"iom-official-test\"")
        .replace("status = \"provisional\"", "status = \"official\"");
    let profile = homeward_rss::Profile::from_toml(&official, &instrument).unwrap();
    let state = Services::new(
        b.store.clone(),
        homeward_rss::Scorer::new(instrument, profile),
        homeward_store::audit::AuditKey::generate().unwrap(),
    );
    let admin = homeward_service::auth::Caller::command_line("test");
    let report = homeward_service::programme::rescore(&state, &admin, &state.scorer).await.unwrap();
    assert_eq!(report.scored, 20, "ten returnees, two rounds");
    b.app = homeward_web::app(state);

    let page = b.get("/dashboard?from=2026-01-01&to=2026-12-31", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Scoring profile: iom-official-test ·"), "{}", page.body);
    assert!(
        page.body.contains("<option value=\"rss-provisional-1\">rss-provisional-1 (provisional)</option>"),
        "{}",
        page.body
    );
    let chosen = b.get("/dashboard?from=2026-01-01&to=2026-12-31&profile=rss-provisional-1", &cookie).await;
    assert!(chosen.body.contains("Scoring profile: rss-provisional-1 · "), "{}", chosen.body);
    assert!(chosen.body.contains("&#38;profile=rss-provisional-1"), "the workbook keeps the choice: {}", chosen.body);
    let unknown = b.get("/dashboard?from=2026-01-01&to=2026-12-31&profile=made-up", &cookie).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("`made-up` is not a profile this server scores with"), "{}", unknown.body);
}

#[tokio::test]
async fn an_administrator_registers_a_partner_installation_and_a_refused_exchange_file_is_said_on_the_handovers_page() {
    let b = Browser::new().await;
    b.user("admin", "admin", None, "en").await;
    let cookie = b.sign_in("admin").await;
    // This installation's key and fingerprint are shown to give to partners.
    let page = b.get("/admin/installations", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("This installation") && page.body.contains("hwx1:"), "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    let bad = b
        .post_form("/admin/installations", &cookie, &format!("csrf={csrf}&name=IOM+Mali&public_key=hwx1%3Anope"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("is not an installation&#39;s public key"), "{}", bad.body);
    let partner = homeward_service::exchange::ExchangeKeys::generate().unwrap().public();
    let key: String = form_urlencoded::byte_serialize(partner.to_text().as_bytes()).collect();
    let made =
        b.post_form("/admin/installations", &cookie, &format!("csrf={csrf}&name=IOM+Mali&public_key={key}")).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let listed = b.get("/admin/installations", &cookie).await;
    assert!(listed.body.contains("IOM Mali") && listed.body.contains(&partner.fingerprint()), "{}", listed.body);
    // A file that is no exchange file is refused, naming the field.
    let handovers = b.get("/handovers", &cookie).await;
    let csrf = hidden(&handovers.body, "csrf");
    let refused =
        multipart(&b, &cookie, "/handovers/files", &csrf, &[("file", "x.hwx", b"{\"not\": \"a packet\"}")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("File: is not a Homeward exchange file"), "{}", refused.body);
}
