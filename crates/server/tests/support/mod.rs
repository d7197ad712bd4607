//! The harness of the API suite: each scenario runs on a fresh SQLite file and on a fresh
//! PostgreSQL database, through the real router (in-process, no sockets).
//!
//! PostgreSQL comes from `HOMEWARD_TEST_POSTGRES` (an admin URL such as
//! `postgres://homeward:homeward@127.0.0.1:54329/postgres`), which `./scripts/test` sets after
//! starting a throw-away cluster. Unset, the PostgreSQL half fails with that advice: it never
//! passes without running. `HOMEWARD_TEST_POSTGRES=skip` skips it knowingly.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use homeward_service::Services;
use homeward_store::Store;
use homeward_store::frames::UserRow;
use homeward_store::query::users;
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct TestApp {
    pub app: Router,
    pub store: Store,
    /// The operations behind `app`, for tests that call them directly.
    pub services: Services,
    /// The key sealing this database's audit log.
    pub key: homeward_store::audit::AuditKey,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

/// Runs `scenario` against each backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let app = $crate::support::TestApp::sqlite().await;
                super::$name(&app).await;
                app.finish().await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(app) = $crate::support::TestApp::postgres().await else { return };
                super::$name(&app).await;
                app.finish().await;
            })+
        }
    };
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("homeward.db").display());
        let store = Store::open(&url).await.unwrap();
        TestApp::on(store, url, Some(dir), None).await
    }

    /// A fresh database on the test cluster, or `None` when told to skip.
    pub async fn postgres() -> Option<TestApp> {
        let admin = homeward_test_support::postgres_admin()?;
        let name = format!("hw_test_{}", uuid_like());
        let admin_store = Store::connect(&admin).await.expect("cannot reach the test PostgreSQL");
        admin_store.execute_admin(&format!("CREATE DATABASE {name}")).await.unwrap();
        admin_store.close().await;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
        let url = format!("{base}/{name}");
        let store = Store::open(&url).await.unwrap();
        Some(TestApp::on(store, url, None, Some((admin, name))).await)
    }

    async fn on(
        store: Store,
        url: String,
        dir: Option<tempfile::TempDir>,
        pg_drop: Option<(String, String)>,
    ) -> TestApp {
        let instrument = homeward_rss::builtin::instrument();
        let profile = homeward_rss::builtin::provisional_profile(&instrument);
        let scorer = homeward_rss::Scorer::new(instrument, profile);
        let key = homeward_store::audit::AuditKey::generate().unwrap();
        // The analyses' tests read cells of one returnee; the floor's own test raises it.
        let settings = homeward_service::settings::Settings { min_cell_floor: 1, ..Default::default() };
        let services = Services::new(store.clone(), scorer, key.clone()).with_settings(settings);
        test_offices(&services).await;
        let app = homeward_server::app(services.clone());
        TestApp { app, store, services, key, url, _dir: dir, pg_drop }
    }

    /// The same database served under other `settings` (session lifetimes, suppression floor).
    pub fn with_settings(mut self, settings: homeward_service::settings::Settings) -> TestApp {
        self.services = self.services.clone().with_settings(settings);
        self.app = homeward_server::app(self.services.clone());
        self
    }

    /// The same database keeping new documents' content in `storage`.
    pub fn with_document_storage(mut self, storage: homeward_service::document_storage::DocumentStorage) -> TestApp {
        self.services = self.services.clone().with_document_storage(storage);
        self.app = homeward_server::app(self.services.clone());
        self
    }

    /// Closes the pools and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.pg_drop {
            let admin_store = Store::connect(&admin).await.unwrap();
            admin_store.execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
            admin_store.close().await;
        }
    }

    /// Creates a user and returns a token for it.
    pub async fn user(&self, username: &str, role: &str, office: Option<&str>, sections: &str) -> String {
        self.user_of_provider(username, role, office, sections, None).await
    }

    pub async fn user_of_provider(
        &self,
        username: &str,
        role: &str,
        office: Option<&str>,
        sections: &str,
        provider: Option<&str>,
    ) -> String {
        let mut tx = self.store.begin().await.unwrap();
        let row = UserRow {
            username: username.into(),
            role: homeward_domain::access::Role::from_name(role).expect("a role"),
            office: office.map(str::to_string),
            provider_id: provider.map(homeward_domain::ids::ProviderId::new),
            sections: homeward_service::auth::parse_sections(sections).expect("sections"),
            language: "en".into(),
            // Tests sign in with tokens; the hash is never checked here.
            password_hash: "$argon2id$unused".into(),
            disabled: false,
            created_at: homeward_store::now(),
            emergency_sharing: false,
        };
        users::upsert(&mut tx, &row).await.unwrap();
        let token = homeward_service::auth::new_token();
        users::add_token(&mut tx, &homeward_service::auth::token_hash(&token), username).await.unwrap();
        homeward_store::commit(tx).await.unwrap();
        token
    }

    /// An admin of every office with every section granted.
    pub async fn admin(&self) -> String {
        self.user("root", "admin", None, "health,psychosocial,gbv_protection,trafficking,sogiesc").await
    }

    pub async fn call(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if !token.is_empty() {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        let value =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, value)
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(token, "GET", path, None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(token, "POST", path, Some(body)).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(token, "PUT", path, Some(body)).await
    }

    /// Registers a case and returns its JSON.
    pub async fn register(&self, token: &str, given: &str, family: &str, office: &str) -> Value {
        let (status, case) = self.post(token, "/api/v1/cases", registration(given, family, office)).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        case
    }

    /// Counts the rows of a table (to prove nothing partial was written).
    /// Adds `provider` to the directory and records, as `token`, a data-sharing agreement with
    /// it in force (signed, started 2026-01-01, open-ended), so referrals may send it data.
    pub async fn provider_with_agreement(&self, token: &str, provider: Value) -> String {
        let (status, p) = self.post(token, "/api/v1/providers", provider).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let provider_id = id(&p);
        self.sharing_agreement(token, &provider_id, "2026-01-01", None).await;
        provider_id
    }

    /// Records a data-sharing agreement with `provider` (of office dakar) from `starts_on` to `ends_on`.
    pub async fn sharing_agreement(
        &self,
        token: &str,
        provider: &str,
        starts_on: &str,
        ends_on: Option<&str>,
    ) -> Value {
        let agreement = serde_json::json!({"kind": "data_sharing", "title": "Referral data", "office": "dakar",
            "parties": ["IOM", "Provider"], "provider": provider, "scope": "Referral packets",
            "signed_on": starts_on, "starts_on": starts_on, "ends_on": ends_on, "responsible": "root"});
        let (status, a) = self.post(token, "/api/v1/agreements", agreement).await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        a
    }

    /// Rows of `table`; for the audit log, once the reads journaled so far joined it.
    pub async fn count(&self, table: &str) -> i64 {
        if table == "audit_log" {
            self.settle().await;
        }
        self.store.count_rows(table).await.unwrap()
    }

    /// Moves the reads journaled so far into the audit chain (on SQLite; see
    /// `homeward_store::read_journal`), as whatever reads the log does first.
    pub async fn settle(&self) {
        self.services.reads.settle().await.unwrap();
    }
}

pub fn registration(given: &str, family: &str, office: &str) -> Value {
    json!({
        "given_name": given, "family_name": family, "sex": "female", "date_of_birth": "1994-03-12",
        "date_of_return": "2026-02-01", "country_of_origin": "SN", "office": office
    })
}

/// The offices the scenarios register cases in: Dakar, Kaolack and Thiès, origin offices in Senegal,
/// written straight to the store as the accounts are (the scenarios' audit logs hold only what
/// they do).
pub async fn test_offices(services: &Services) {
    let mut tx = services.store.begin().await.unwrap();
    for name in ["dakar", "kaolack", "thies"] {
        let at = homeward_store::now();
        let row = homeward_store::frames::OfficeRow {
            name: name.into(),
            country: "SN".into(),
            role: homeward_domain::office::OfficeRole::Origin,
            languages: vec!["fr".into(), "wo".into()],
            contact: String::new(),
            installation: None,
            version: 1,
            created_at: at,
            created_by: "test".into(),
            updated_at: at,
        };
        homeward_store::query::offices::insert(&mut tx, &row).await.unwrap();
    }
    homeward_store::commit(tx).await.unwrap();
}

fn uuid_like() -> String {
    homeward_store::new_id().replace('-', "")
}

/// The best answers of every question (a survey scoring 1), as the API takes them.
pub fn best_answers() -> Value {
    let map: serde_json::Map<String, Value> = homeward_test_support::BEST_ANSWERS
        .iter()
        .map(|(q, a)| (q.to_string(), Value::String(a.to_string())))
        .collect();
    Value::Object(map)
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

impl TestApp {
    /// The ids of every case, for reading their audit entries.
    pub async fn store_cases(&self) -> Vec<String> {
        let mut conn = self.store.read().await.unwrap();
        let page = homeward_store::query::cases::list(&mut conn, &Default::default(), None, 1000).await.unwrap();
        page.items.into_iter().map(|c| c.id.to_string()).collect()
    }
}

impl TestApp {
    /// The API on the same database and audit key under other `settings`.
    pub fn router_with(&self, settings: homeward_service::settings::Settings) -> Router {
        homeward_server::app(self.services.clone().with_settings(settings))
    }

    /// A request as it comes from `address` (the server reads it from the connection), with
    /// its response headers. Every part of the request is a parameter, as the tests read best.
    #[allow(clippy::too_many_arguments)]
    pub async fn call_from(
        &self,
        router: &Router,
        address: &str,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut request = Request::builder().method(method).uri(path);
        if !token.is_empty() {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let body = match body {
            Some(v) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).unwrap();
        let peer: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        let value =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, value, headers)
    }

    /// An account with a real password (for signing in), and the emergency-sharing grant if
    /// `emergency`.
    pub async fn account(&self, username: &str, role: &str, office: Option<&str>, sections: &str, emergency: bool) {
        let mut tx = self.store.begin().await.unwrap();
        let row = UserRow {
            username: username.into(),
            role: homeward_domain::access::Role::from_name(role).expect("a role"),
            office: office.map(str::to_string),
            provider_id: None,
            sections: homeward_service::auth::parse_sections(sections).expect("sections"),
            language: "en".into(),
            password_hash: homeward_service::auth::hash_password(PASSWORD).unwrap(),
            disabled: false,
            created_at: homeward_store::now(),
            emergency_sharing: emergency,
        };
        users::upsert(&mut tx, &row).await.unwrap();
        homeward_store::commit(tx).await.unwrap();
    }

    /// A token of an account made with [`TestApp::account`].
    pub async fn token_of(&self, username: &str) -> String {
        let mut tx = self.store.begin().await.unwrap();
        let token = homeward_service::auth::new_token();
        users::add_token(&mut tx, &homeward_service::auth::token_hash(&token), username).await.unwrap();
        homeward_store::commit(tx).await.unwrap();
        token
    }
}

impl TestApp {
    /// What someone with direct access to the database runs to turn the audit log's
    /// append-only guard off.
    pub fn disable_audit_guard(&self) -> &'static str {
        match self.store.backend() {
            homeward_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete",
            homeward_store::Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        }
    }
}

/// The password of accounts made with [`TestApp::account`].
pub const PASSWORD: &str = "correct horse battery";
