//! The OpenRosa form list and submission API, for ODK Collect talking to Homeward directly
//! (<https://docs.getodk.org/openrosa/>): the form list, the XForm it lists, and submissions.
//! Devices sign in as the user taking the survey, with the user's own username and password
//! sent with each request (HTTP Basic: to be served over HTTPS, as Collect only sends it there).
//! Every answer carries `X-OpenRosa-Version: 1.0`; a submission is imported by the same service
//! operation as an exported file, and answered with an OpenRosa response message.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use homeward_service::catalogue::RSS_FORM_ID;
use homeward_service::error::ServiceError;
use homeward_service::imports::Outcome;
use homeward_service::session::Credentials;
use homeward_service::{Caller, Services};
use md5::Digest as _;

use crate::docs::escape;

/// The largest submission accepted (the RSS has no media questions: its XML is a few KB).
const MAX_SUBMISSION: usize = 10 << 20;

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/formList", get(form_list))
        .route("/forms/{file}", get(form))
        .route("/submission", axum::routing::head(submission_head).post(submit))
        .layer(DefaultBodyLimit::max(MAX_SUBMISSION))
}

/// `GET /openrosa/formList`: the forms this user may fill, with their hash and where to get them.
async fn form_list(State(state): State<Services>, request: Request) -> Response {
    let base = base_url(request.headers());
    let caller = match device(&state, &request).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match homeward_service::catalogue::rss_xform(&state, &caller) {
        Ok(form) => {
            let list = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\
                 <xform><formID>{id}</formID><name>{name}</name><version>{version}</version>\
                 <hash>md5:{hash}</hash><downloadUrl>{base}/openrosa/forms/{id}.xml</downloadUrl></xform></xforms>",
                id = RSS_FORM_ID,
                name = escape(&form.title),
                version = escape(&form.version),
                hash = md5_hex(form.xml.as_bytes()),
                base = escape(&base),
            );
            xml_response(StatusCode::OK, list)
        }
        Err(e) => refused(e),
    }
}

/// `GET /openrosa/forms/homeward_rss.xml`: the XForm.
async fn form(
    State(state): State<Services>,
    axum::extract::Path(file): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let caller = match device(&state, &request).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if file != format!("{RSS_FORM_ID}.xml") {
        return message(StatusCode::NOT_FOUND, "error", "no such form");
    }
    match homeward_service::catalogue::rss_xform(&state, &caller) {
        Ok(form) => xml_response(StatusCode::OK, form.xml),
        Err(e) => refused(e),
    }
}

/// `HEAD /openrosa/submission`: Collect asks first whether it may send, and how much.
async fn submission_head(State(state): State<Services>, request: Request) -> Response {
    let caller = match device(&state, &request).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = caller.require(homeward_domain::access::Permission::TakeSurvey) {
        return refused(e);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    openrosa_headers(response.headers_mut());
    response
        .headers_mut()
        .insert("x-openrosa-accept-content-length", HeaderValue::from_str(&MAX_SUBMISSION.to_string()).unwrap());
    response
}

/// `POST /openrosa/submission`: one filled form, as multipart with the instance in the part
/// `xml_submission_file` (attachments may come beside it; the RSS has none to keep).
async fn submit(State(state): State<Services>, request: Request) -> Response {
    let caller = match device(&state, &request).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut multipart = match Multipart::from_request(request, &state).await {
        Ok(m) => m,
        Err(e) => return message(StatusCode::BAD_REQUEST, "error", &format!("not a multipart submission: {e}")),
    };
    let mut instance: Option<Bytes> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let is_instance = field.name() == Some("xml_submission_file");
                match field.bytes().await {
                    Ok(bytes) if is_instance => instance = Some(bytes),
                    Ok(_) => {}
                    Err(e) => return message(StatusCode::BAD_REQUEST, "error", &format!("the submission is cut: {e}")),
                }
            }
            Ok(None) => break,
            Err(e) => return message(StatusCode::BAD_REQUEST, "error", &format!("the submission is cut: {e}")),
        }
    }
    let Some(xml) = instance else {
        return message(StatusCode::BAD_REQUEST, "error", "the submission has no part named xml_submission_file");
    };
    match homeward_service::imports::receive_instance(&state, &caller, &xml).await {
        Ok(row) => {
            let case = row.case_number.as_deref().unwrap_or("?");
            match row.outcome {
                Outcome::Created => {
                    let status = row.status.map_or("stored", homeward_rss::Status::as_str);
                    let why = row.reason.map(|w| format!(": {w}")).unwrap_or_default();
                    let text = format!("Survey stored in case {case} ({status}{why}).");
                    message(StatusCode::CREATED, "submit_success", &text)
                }
                // Collect resends what it is not sure arrived: the same instance is no error, and
                // never 200 (which Collect reads as a sign-in page).
                Outcome::AlreadyImported => {
                    message(StatusCode::ACCEPTED, "submit_success", &format!("Already received for case {case}."))
                }
                Outcome::ChangedResubmission => message(
                    StatusCode::CONFLICT,
                    "error",
                    "This submission was received before with other answers: correct the survey in Homeward.",
                ),
                Outcome::Refused => {
                    let column = row.column.map(|c| format!("{c}: ")).unwrap_or_default();
                    let text = format!("Not stored: {column}{}", row.reason.unwrap_or_default());
                    message(StatusCode::UNPROCESSABLE_ENTITY, "error", &text)
                }
            }
        }
        Err(e) => refused(e),
    }
}

/// The user a request's HTTP Basic credentials name, or the answer to give instead (401 asking
/// for them, 429 after too many attempts).
fn device<'a>(
    state: &'a Services,
    request: &Request,
) -> impl std::future::Future<Output = Result<Caller, Response>> + Send + 'a {
    // Read before any wait: a request is not shared between threads.
    let client = crate::hardening::client_of(request.extensions());
    let credentials = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|text| {
            let (username, password) = text.split_once(':')?;
            Some(Credentials { username: username.to_string(), password: password.to_string() })
        });
    async move {
        let Some(credentials) = credentials else { return Err(sign_in_needed()) };
        homeward_service::session::device(state, credentials, &client).await.map_err(refused)
    }
}

fn sign_in_needed() -> Response {
    let mut response = message(StatusCode::UNAUTHORIZED, "error", "Sign in with your Homeward username and password.");
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"Homeward\""));
    response
}

/// A refusal of the service as an OpenRosa message with its status.
fn refused(e: ServiceError) -> Response {
    let said = e.to_string();
    let status = crate::error::ApiError::from(e).into_response().status();
    if status == StatusCode::UNAUTHORIZED {
        return sign_in_needed();
    }
    let text = match status {
        StatusCode::FORBIDDEN => "Your role does not take surveys.".to_string(),
        StatusCode::TOO_MANY_REQUESTS => "Too many sign-in attempts: wait, then try again.".to_string(),
        // Which field and why (e.g. "file: the submission cannot be read: ...").
        StatusCode::UNPROCESSABLE_ENTITY => format!("Not stored: {said}"),
        _ => "Homeward could not take this request; try again later.".to_string(),
    };
    message(status, "error", &text)
}

/// An OpenRosa response message.
fn message(status: StatusCode, nature: &str, text: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">\
         <message nature=\"{nature}\">{}</message></OpenRosaResponse>",
        escape(text)
    );
    xml_response(status, body)
}

fn xml_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    openrosa_headers(response.headers_mut());
    response
}

fn openrosa_headers(headers: &mut HeaderMap) {
    headers.insert("x-openrosa-version", HeaderValue::from_static("1.0"));
}

/// Where this server is reached, as the device reached it (behind a proxy: its forwarded scheme).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    let scheme = if scheme == "https" { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn md5_hex(bytes: &[u8]) -> String {
    md5::Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
