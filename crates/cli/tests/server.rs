//! `homeward serve` as a process: fuzzed from its own OpenAPI document by schemathesis (zero
//! server errors, every response as documented), killed in the middle of a burst of writes
//! without losing an acknowledged case, and bootstrapped with the admin commands.

mod server_support;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use server_support::{Server, demo_database, homeward, postgres_admin, postgres_database, text};

/// Runs schemathesis against a live server on `database`: bounded examples, deterministic
/// generation; fails on any 5xx or any response that does not match the document.
fn fuzz(database: &str) {
    let token = demo_database(database, 12);
    let server = Server::start(database);
    let Some(python) = homeward_test_support::python() else { return };
    let schemathesis = python.parent().unwrap().join("schemathesis");
    let out = Command::new(&schemathesis)
        .args([
            "run",
            &format!("http://127.0.0.1:{}/api/v1/openapi.json", server.port),
            "--header",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "8",
            "--generation-deterministic",
            "--request-timeout",
            "20",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
            "--no-color",
        ])
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e} (./scripts/test installs it)", schemathesis.display()));
    let report = text(&out.stdout);
    let summary = report.lines().rev().take(30).collect::<Vec<_>>().join("\n");
    assert!(out.status.success(), "schemathesis found problems:\n{report}\n{}", text(&out.stderr));
    assert!(report.contains("Tested: 155"), "every operation was tested:\n{summary}");
    let lines: Vec<&str> = report.lines().collect();
    let cases = lines.iter().position(|l| l.trim() == "Test cases:").and_then(|i| lines.get(i + 1)).expect(&summary);
    let (generated, rest) = cases.trim().split_once(" generated, ").expect(&summary);
    assert_eq!(rest, format!("{generated} passed"), "every generated case passed:\n{summary}");
}

#[test]
fn schemathesis_finds_no_server_error_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    fuzz(&format!("sqlite://{}", dir.path().join("fuzz.db").display()));
}

#[test]
fn schemathesis_finds_no_server_error_on_postgres() {
    let Some(admin) = postgres_admin() else { return };
    fuzz(&postgres_database(&admin, "hw_test_fuzz"));
}

/// Registrations from several clients at once; the server is killed with SIGKILL while they
/// run. After a restart every case that was acknowledged with 201 is there, and the database
/// passes its integrity check.
#[test]
fn no_acknowledged_case_is_lost_when_the_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("burst.db").display());
    let token = demo_database(&database, 0);
    let mut server = Server::start(&database);
    let port = server.port;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let body = r#"{"given_name":"Awa","family_name":"Ba","sex":"female","date_of_birth":"1990-01-01",
        "date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar"}"#;
    let clients: Vec<_> = (0..6)
        .map(|_| {
            let acknowledged = Arc::clone(&acknowledged);
            let token = token.clone();
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    match server_support::http(port, "POST", "/api/v1/cases", &token, Some(body)) {
                        Ok((201, answer)) => {
                            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
                            acknowledged.lock().unwrap().push(v["id"].as_str().unwrap().to_string());
                        }
                        Ok((status, answer)) => panic!("unexpected {status}: {answer}"),
                        Err(_) => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 150 {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 150);

    let check = homeward(&["admin", "check", "--database", &database]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    assert!(text(&check.stdout).contains("integrity check: ok"));
    let server = Server::start(&database);
    for id in &acknowledged {
        let (status, _) = server.request("GET", &format!("/api/v1/cases/{id}"), &token, None).unwrap();
        assert_eq!(status, 200, "case {id} was acknowledged with 201 and must survive the kill");
    }
    let verify = homeward(&["audit", "verify", "--database", &database]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
}

/// Every read answered is audited, even when the server is killed before it moved its journal
/// of reads (SQLite, `homeward_store::read_journal`) into the chain: the next command that reads
/// the log moves them, each once, and the chain verifies.
#[test]
fn no_answered_read_goes_unaudited_when_the_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reads.db");
    let database = format!("sqlite://{}", path.display());
    let token = demo_database(&database, 3);
    let mut server = Server::start(&database);
    let (status, page) = server.request("GET", "/api/v1/cases?limit=1", &token, None).unwrap();
    assert_eq!(status, 200, "{page}");
    let page: serde_json::Value = serde_json::from_str(&page).unwrap();
    let case = page["items"][0]["id"].as_str().unwrap().to_string();
    for _ in 0..25 {
        let (status, _) = server.request("GET", &format!("/api/v1/cases/{case}"), &token, None).unwrap();
        assert_eq!(status, 200);
    }
    server.kill();
    assert!(dir.path().join("reads.db-reads").exists(), "reads are journaled beside the database");

    let verify = homeward(&["audit", "verify", "--database", &database]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    let reads = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::open(&database).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let log = homeward_store::audit::for_case(&mut conn, &case, 500).await.unwrap();
        drop(conn);
        store.close().await;
        log.iter().filter(|s| s.entry.action == "read" && s.entry.entity == "case" && s.entry.actor == "demo").count()
    });
    assert_eq!(reads, 25, "each answered read once");
}

#[test]
fn a_deployment_is_bootstrapped_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("new.db").display());
    let migrate = homeward(&["migrate", "--database", &database]);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(text(&migrate.stdout).contains("27 migration(s) applied"));
    let again = homeward(&["migrate", "--database", &database]);
    assert!(text(&again.stdout).contains("0 migration(s) applied"), "migrations apply once");

    let create = |args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
            .env("HOMEWARD_DATA_KEY", server_support::shared_data_keys())
            .args(["admin", "create-user", "--database", &database, "--password-stdin"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let short = create(&["--username", "fatou", "--role", "case_manager"], "short\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(text(&short.stderr).contains("at least 10 characters"));
    let bad_role = create(&["--username", "fatou", "--role", "boss"], "a long enough password\n");
    assert!(text(&bad_role.stderr).contains("--role 'boss' is not a role"), "{}", text(&bad_role.stderr));
    let partner = create(&["--username", "centre", "--role", "partner"], "a long enough password\n");
    assert!(
        text(&partner.stderr).contains("--provider: a partner user needs the provider"),
        "{}",
        text(&partner.stderr)
    );
    let ok = create(
        &["--username", "fatou", "--role", "case_manager", "--office", "dakar", "--grant", "health,psychosocial"],
        "a long enough password\n",
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));

    let token = homeward(&["admin", "create-token", "--database", &database, "--username", "fatou"]);
    assert!(token.status.success());
    let token = text(&token.stdout).trim().to_string();
    assert!(token.starts_with("hw_"));
    let missing = homeward(&["admin", "create-token", "--database", &database, "--username", "nobody"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no user 'nobody'"));
    let again =
        create(&["--username", "fatou", "--role", "case_manager", "--office", "dakar"], "another long password\n");
    assert!(again.status.success(), "create-user sets a new password on an existing account");
    let stale = token;
    let token = homeward(&["admin", "create-token", "--database", &database, "--username", "fatou"]);
    let token = text(&token.stdout).trim().to_string();

    // The command line acts through the same services as the API: every account and token it
    // makes is in the audit log, with an actor that says it came from the command line.
    let audited = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::open(&database).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let mut entries = homeward_store::audit::for_record(&mut conn, "user", "fatou", 10).await.unwrap();
        entries.extend(homeward_store::audit::for_record(&mut conn, "token", "fatou", 10).await.unwrap());
        entries.into_iter().map(|s| (s.entry.action, s.entry.entity, s.entry.actor)).collect::<Vec<_>>()
    });
    let actions: Vec<(&str, &str)> = audited.iter().map(|(a, e, _)| (a.as_str(), e.as_str())).collect();
    assert_eq!(
        actions,
        [("end_sessions", "user"), ("update", "user"), ("create", "user"), ("create", "token"), ("create", "token")],
        "a new password ends the account's sessions: {audited:?}"
    );
    assert!(audited.iter().all(|(_, _, actor)| actor.starts_with("cli:")), "{audited:?}");

    let server = Server::start(&database);
    let (status, health) = server.request("GET", "/healthz", "", None).unwrap();
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    assert_eq!((status, &health["status"], &health["database"]), (200, &"ok".into(), &"sqlite".into()));
    let version = text(&homeward(&["--version"]).stdout);
    assert_eq!(
        version.trim(),
        format!("homeward {} (commit {})", health["version"].as_str().unwrap(), health["commit"].as_str().unwrap())
    );
    assert_ne!(health["commit"], "", "{health}");
    let (status, _) = server.request("GET", "/api/v1/cases", &token, None).unwrap();
    assert_eq!(status, 200);
    let (status, _) = server.request("GET", "/api/v1/cases", "hw_wrong", None).unwrap();
    assert_eq!(status, 401);
    let (status, _) = server.request("GET", "/api/v1/cases", &stale, None).unwrap();
    assert_eq!(status, 401, "a new password ended the sessions made before it");
    let (status, doc) = server.request("GET", "/api/v1/openapi.json", "", None).unwrap();
    assert_eq!(status, 200);
    assert!(doc.contains("\"openapi\":\"3.1.0\""));
    let body = r#"{"given_name":"Awa","family_name":"Ba","sex":"female","date_of_birth":"1990-01-01",
        "date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar"}"#;
    let (status, refused) = server.request("POST", "/api/v1/cases", &token, Some(body)).unwrap();
    assert_eq!(status, 422, "no office is recorded yet: {refused}");
    assert!(refused.contains("unknown_office"), "{refused}");
    let office = |role: &str| {
        homeward(&[
            "admin",
            "create-office",
            "--database",
            &database,
            "--name",
            "dakar",
            "--country",
            "SN",
            "--role",
            role,
        ])
    };
    let bad = office("capital");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("`capital` is not one of: host, transit, origin"), "{}", text(&bad.stderr));
    let made = office("origin");
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("Office dakar recorded (SN, origin)."), "{}", text(&made.stdout));
    let (status, case) = server.request("POST", "/api/v1/cases", &token, Some(body)).unwrap();
    assert_eq!(status, 201, "{case}");
    let refused = homeward(&["demo", "--database", &database, "--no-serve"]);
    assert!(!refused.status.success(), "a real database gets no demo users");
    assert!(text(&refused.stderr).contains("it is not a demo database"), "{}", text(&refused.stderr));
    let bad = homeward(&["serve", "--database", "mysql://x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("is not sqlite://PATH or postgres://"), "{}", text(&bad.stderr));
}

#[test]
fn serve_takes_its_settings_from_the_environment_and_logs_one_json_line_per_request_without_case_content() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("logs.db").display());
    let token = demo_database(&database, 3);
    let log = dir.path().join("server.log");
    let mut command = Command::new(env!("CARGO_BIN_EXE_homeward"));
    // No flags at all: the database, address, level and format all come from the environment.
    command
        .arg("serve")
        .env("HOMEWARD_DATA_KEY", server_support::shared_data_keys())
        .env("HOMEWARD_DATABASE_URL", &database)
        .env("HOMEWARD_LISTEN", "127.0.0.1:0")
        .env("HOMEWARD_LOG", "info")
        .env("HOMEWARD_LOG_FORMAT", "json")
        .stderr(std::fs::File::create(&log).unwrap());
    let server = Server::spawn(command);
    let body = r#"{"given_name":"Mariama","family_name":"Sarr","sex":"female","date_of_birth":"1990-01-01",
        "date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar"}"#;
    let (status, created) = server.request("POST", "/api/v1/cases", &token, Some(body)).unwrap();
    assert_eq!(status, 201, "{created}");
    let id = serde_json::from_str::<serde_json::Value>(&created).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(server.request("GET", &format!("/api/v1/cases/{id}"), &token, None).unwrap().0, 200);
    assert_eq!(server.request("GET", "/api/v1/cases?q=mariama%20sarr", &token, None).unwrap().0, 200);
    assert_eq!(server.request("GET", "/api/v1/cases", "hw_wrong", None).unwrap().0, 401);
    drop(server);

    let log = std::fs::read_to_string(&log).unwrap();
    let requests: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|v: &serde_json::Value| v["message"] == "request")
        .collect();
    let seen: Vec<(&str, &str, i64, &str)> = requests
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap(),
                r["route"].as_str().unwrap(),
                r["status"].as_i64().unwrap(),
                r["user"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", "/api/v1/cases", 201, "demo"),
            ("GET", "/api/v1/cases/{id}", 200, "demo"),
            ("GET", "/api/v1/cases", 200, "demo"),
            ("GET", "/api/v1/cases", 401, "-")
        ]
    );
    assert!(requests.iter().all(|r| r["duration_ms"].as_f64().is_some_and(|d| d >= 0.0) && r["timestamp"].is_string()));
    for secret in ["Mariama", "mariama", "Sarr", "sarr", &id, &token] {
        assert!(!log.contains(secret), "the log holds `{secret}`:\n{log}");
    }
}

/// The OpenAPI document is a contract a client programmer can use: it validates as OpenAPI 3.1,
/// every operation has a unique id and every response a description, and a Python client generated
/// from it by openapi-python-client (every operation kept) signs in, registers a case and records
/// a survey that comes back scored.
#[test]
fn a_client_generated_from_the_openapi_document_registers_a_case_and_records_a_scored_survey() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("client.db").display());
    demo_database(&database, 2);
    let server = Server::start(&database);
    let answers: serde_json::Map<String, serde_json::Value> =
        homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| (q.to_string(), (*a).into())).collect();
    let url = format!("http://127.0.0.1:{}", server.port);
    let answers = serde_json::Value::Object(answers).to_string();
    let args = [url.as_str(), "demo", "homeward-demo", answers.as_str()].map(std::ffi::OsStr::new);
    let Some(out) = homeward_test_support::python_script("scripts/oracles/api_client.py", &args) else { return };
    assert!(out.status.success(), "the generated client failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["openapi"], "3.1.0");
    assert_eq!(seen["generated"], seen["operations"], "no operation lost: {seen}");
    assert!(seen["operations"].as_u64().unwrap() >= 85, "{seen}");
    assert_eq!((&seen["signed_in_as"], &seen["case_status"]), (&"demo".into(), &"intake".into()));
    assert!(seen["case_number"].as_str().unwrap().starts_with("HW-"), "{seen}");
    assert_eq!((&seen["survey_status"], &seen["composite"]), (&"scored".into(), &1.0.into()), "{seen}");
}

/// The API reference is served by Homeward itself, whole, with nothing loaded from elsewhere.
#[test]
fn the_api_reference_is_served_with_every_operation() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("docs.db").display());
    let server = Server::start(&database);
    let (status, page) = server.request("GET", "/api/v1/docs", "", None).unwrap();
    assert_eq!(status, 200);
    let (_, document) = server.request("GET", "/api/v1/openapi.json", "", None).unwrap();
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    let mut ids = std::collections::HashSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
            assert!(page.contains(&format!("id=\"{id}\"")), "{id} is not on the reference page");
            for (status, response) in operation["responses"].as_object().unwrap() {
                let described = response["description"].as_str().is_some_and(|d| d.len() > 5);
                assert!(described, "{id} {status} has no description");
            }
        }
    }
    assert!(!page.contains("<script") && !page.contains("https://"), "the page loads nothing from elsewhere");
}

/// The demo's cases are made by the command line through the same operations as a user's, so
/// each is in the audit log as created by `cli:<system user>`, bulk ones included.
#[test]
fn every_demo_case_is_audited_as_made_by_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("demo.db").display());
    let out = homeward(&["demo", "--database", &database, "--cases", "203", "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (cases, created, actors) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::open(&database).await.unwrap();
        let cases = store.count_rows("cases").await.unwrap();
        let mut conn = store.read().await.unwrap();
        let mut created = 0;
        let mut actors = std::collections::BTreeSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = homeward_store::query::cases::list(&mut conn, &Default::default(), cursor.as_deref(), 200)
                .await
                .unwrap();
            for row in &page.items {
                let log = homeward_store::audit::for_case(&mut conn, &row.id, 500).await.unwrap();
                let creation = log.iter().find(|s| s.entry.action == "create" && s.entry.entity == "case");
                created += usize::from(creation.is_some());
                actors.extend(log.iter().map(|s| s.entry.actor.clone()));
            }
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        (cases, created, actors)
    });
    assert_eq!(cases, 203);
    assert_eq!(created, 203, "200 made through the services and 3 in bulk, each with its creation audited");
    assert!(actors.iter().all(|a| a.starts_with("cli:")), "{actors:?}");
}

/// `homeward audit`: an anchor kept outside the database catches truncation; rotating the key
/// keeps older entries verifiable; a missing key is refused, never silently replaced.
#[test]
fn the_audit_log_is_anchored_verified_and_its_key_rotated_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    let database = format!("sqlite://{}", path.display());
    demo_database(&database, 2);
    let key_file = dir.path().join("audit.db.audit-key");
    assert!(std::fs::read_to_string(&key_file).unwrap().contains("\nk1 "), "the first command made the key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by its owner only");
    }
    let anchor = homeward(&["audit", "anchor", "--database", &database]);
    assert!(anchor.status.success(), "{}", text(&anchor.stderr));
    let anchor_text = text(&anchor.stdout);
    assert!(anchor_text.starts_with("homeward-audit-anchor "), "{anchor_text}");
    let anchor_file = dir.path().join("anchor.txt");
    std::fs::write(&anchor_file, &anchor_text).unwrap();
    let anchor_arg = anchor_file.display().to_string();
    let verify = || homeward(&["audit", "verify", "--database", &database, "--anchor", &anchor_arg]);
    let ok = verify();
    assert!(ok.status.success(), "{}", text(&ok.stdout));
    assert!(text(&ok.stdout).contains("is there, unchanged"), "{}", text(&ok.stdout));

    let rotated = homeward(&["audit", "rotate-key", "--database", &database]);
    assert!(rotated.status.success(), "{}", text(&rotated.stderr));
    let keys = std::fs::read_to_string(&key_file).unwrap();
    assert!(keys.contains("\nk1 ") && keys.contains("\nk2 "), "the old key stays to verify old entries: {keys}");
    let unlock = homeward(&["admin", "unlock", "--database", &database, "--username", "Demo"]);
    assert!(unlock.status.success(), "{}", text(&unlock.stderr));
    assert!(text(&unlock.stdout).contains("demo: sign-in unlocked"), "{}", text(&unlock.stdout));
    assert!(verify().status.success(), "entries sealed by either key verify");

    // Without its key, nothing writes to the log again and no new key is made.
    let away = dir.path().join("elsewhere.key");
    std::fs::rename(&key_file, &away).unwrap();
    for args in [
        vec!["admin", "unlock", "--database", &database, "--username", "demo"],
        vec!["audit", "verify", "--database", &database],
    ] {
        let refused = homeward(&args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        assert!(text(&refused.stderr).contains("is missing, but the audit log has"), "{}", text(&refused.stderr));
        assert!(!key_file.exists(), "no new key replaced the lost one");
    }
    std::fs::rename(&away, &key_file).unwrap();

    // Truncated by someone who owns the database and sets the head back: the anchor tells.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::open(&database).await.unwrap();
        store.execute_admin("DROP TRIGGER audit_log_no_delete").await.unwrap();
        store.execute_admin("DELETE FROM audit_log WHERE seq > 3").await.unwrap();
        store
            .execute_admin(
                "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3) WHERE id = 1",
            )
            .await
            .unwrap();
        store.close().await;
    });
    let broken = verify();
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        text(&broken.stdout).contains("BROKEN") && text(&broken.stdout).contains("truncated"),
        "{}",
        text(&broken.stdout)
    );
}

/// `homeward import surveys`: a Kobo export into the demo's cases, dry first, then for real,
/// then again (nothing new); each row not imported named; exit codes 0, 1 and 2 as `rss score`.
#[test]
fn surveys_exported_from_kobo_are_imported_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("import.db").display());
    demo_database(&database, 3);
    let number = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::connect(&database).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let filter = homeward_store::query::cases::CaseFilter { open_only: true, ..Default::default() };
        let page = homeward_store::query::cases::list(&mut conn, &filter, None, 1).await.unwrap();
        page.items[0].case_number.clone()
    });
    let export = |rows: &[(&str, &str)]| {
        let mut csv = String::from("_uuid;profile/case_id;profile/round;today;consent");
        for (q, _) in homeward_test_support::BEST_ANSWERS {
            csv.push_str(&format!(";grp/{q}"));
        }
        csv.push('\n');
        for (instance, round) in rows {
            csv.push_str(&format!("uuid:{instance};{number};{round};2026-03-02;yes"));
            for (_, a) in homeward_test_support::BEST_ANSWERS {
                csv.push_str(&format!(";{a}"));
            }
            csv.push('\n');
        }
        csv
    };
    let file = dir.path().join("kobo.csv");
    std::fs::write(&file, export(&[("k1", "baseline"), ("k2", "midline")])).unwrap();
    let file = file.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "surveys", "--database", &database, "--input", file];
        args.extend_from_slice(extra);
        homeward(&args)
    };
    let dry = run(&["--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry.stderr));
    let out = text(&dry.stdout);
    assert!(out.contains("row 3, column round: 'midline' is not a round"), "{out}");
    assert!(
        out.contains("1 survey(s) would be created, 0 imported before, 0 changed resubmission(s), 1 refused (dry run")
    );
    let real = run(&[]);
    assert_eq!(real.status.code(), Some(1));
    assert!(text(&real.stdout).contains("1 survey(s) created, 0 imported before"), "{}", text(&real.stdout));
    let again = run(&[]);
    assert!(text(&again.stdout).contains("0 survey(s) created, 1 imported before"), "{}", text(&again.stdout));

    std::fs::write(dir.path().join("kobo.csv"), export(&[("k1", "baseline"), ("k3", "final")])).unwrap();
    let clean = run(&[]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    assert!(
        text(&clean.stdout).contains("1 survey(s) created, 1 imported before, 0 changed resubmission(s), 0 refused")
    );

    std::fs::write(dir.path().join("kobo.csv"), "name,amount\nx,1\n").unwrap();
    let nothing = run(&[]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(text(&nothing.stderr).contains("not an export of Homeward's RSS form"), "{}", text(&nothing.stderr));
}

/// `homeward import cases`: a caseload sheet with a mapping file, dry first (nothing stored),
/// then all or nothing (a refused row: nothing), then keeping the good rows, then again (every
/// row a possible duplicate: nothing twice); exit codes 0, 1 and 2. Then `homeward export` of
/// what was imported, as an account sees it, never over an existing file.
#[test]
fn a_caseload_is_imported_then_exported_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("caseload.db").display());
    demo_database(&database, 1);
    let sheet = dir.path().join("dossiers.csv");
    std::fs::write(
        &sheet,
        "Prénom;Nom;Sexe;Né(e) le;Date de retour;Pays\r\n\
         Ibrahima;Fall;H;05/11/1988;01/03/2026;Sénégal\r\n\
         Mariama;Sy;X;05/11/1990;01/03/2026;Guinée\r\n",
    )
    .unwrap();
    let mapping = dir.path().join("dossiers.toml");
    std::fs::write(&mapping, "[columns]\n\"Né(e) le\" = \"date_of_birth\"\n[defaults]\noffice = \"thies\"\n").unwrap();
    let (sheet, mapping) = (sheet.to_str().unwrap(), mapping.to_str().unwrap());
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "cases", "--database", &database, "--input", sheet, "--mapping", mapping];
        args.extend_from_slice(extra);
        homeward(&args)
    };
    let dry = run(&["--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry.stderr));
    let out = text(&dry.stdout);
    assert!(out.contains("row 3, column Sexe: 'X' is not one of: female, male"), "{out}");
    assert!(out.contains("1 case(s) would be created; 0 possible duplicate(s) not created, 1 row(s) refused"), "{out}");
    let all_or_nothing = run(&[]);
    assert_eq!(all_or_nothing.status.code(), Some(1));
    assert!(
        text(&all_or_nothing.stdout).contains("would be created, but none was"),
        "{}",
        text(&all_or_nothing.stdout)
    );
    let partial = run(&["--partial"]);
    assert!(text(&partial.stdout).contains("1 case(s) created;"), "{}", text(&partial.stdout));
    let again = run(&["--partial"]);
    assert!(text(&again.stdout).contains("row 2: possible duplicate of HW-"), "{}", text(&again.stdout));
    assert!(text(&again.stdout).contains("0 case(s) created;"));
    std::fs::write(dir.path().join("bad.toml"), "[columns]\nX = \"nickname\"\n").unwrap();
    let bad = homeward(&[
        "import",
        "cases",
        "--database",
        &database,
        "--input",
        sheet,
        "--mapping",
        dir.path().join("bad.toml").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("'nickname' is no field of the registration"), "{}", text(&bad.stderr));

    let output = dir.path().join("export.zip");
    let export = |user: &str| {
        let out = output.to_str().unwrap();
        homeward(&["export", "--database", &database, "--output", out, "--as", user, "--language", "fr"])
    };
    let first = export("demo");
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("case(s) exported to"), "{}", text(&first.stdout));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&output).unwrap()).unwrap();
    let mut cases = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("cases.csv").unwrap(), &mut cases).unwrap();
    assert!(cases.lines().next().unwrap().starts_with("id,case_number,given_name,family_name"), "{cases}");
    let again = export("demo");
    assert_eq!(again.status.code(), Some(2), "never over an existing file");
    assert!(text(&again.stderr).contains("never overwrites"));
}

/// ODK Collect talks to Homeward itself: a scripted client replays Collect's OpenRosa exchange
/// against a live server (form list, form download, submission with an attachment, a resend
/// after an interrupted send, a changed resubmission, a wrong case number, a role that takes no
/// surveys, a wrong password). The survey is stored once, scored, on its case.
#[test]
fn odk_collect_lists_downloads_and_submits_the_rss_to_homeward_itself() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("collect.db").display());
    demo_database(&database, 3);
    let (number, case_id) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::connect(&database).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let filter = homeward_store::query::cases::CaseFilter {
            open_only: true,
            office: Some("dakar".into()),
            ..Default::default()
        };
        let page = homeward_store::query::cases::list(&mut conn, &filter, None, 1).await.unwrap();
        (page.items[0].case_number.clone(), page.items[0].id.clone())
    });
    let server = Server::start(&database);
    let url = format!("http://127.0.0.1:{}", server.port);
    let answers: serde_json::Map<String, serde_json::Value> =
        homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| (q.to_string(), (*a).into())).collect();
    let answers = serde_json::Value::Object(answers).to_string();
    let args = [url.as_str(), "fatou", "homeward-demo", number.as_str(), answers.as_str(), "partner", "homeward-demo"]
        .map(std::ffi::OsStr::new);
    let Some(out) = homeward_test_support::python_script("scripts/oracles/collect_client.py", &args) else { return };
    assert!(out.status.success(), "the client failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let anonymous = &seen["head_anonymous"];
    assert_eq!((anonymous["status"].as_u64(), anonymous["openrosa_version"].as_str()), (Some(401), Some("1.0")));
    assert_eq!(anonymous["www_authenticate"], "Basic realm=\"Homeward\"");
    let list = &seen["form_list"];
    assert_eq!((list["status"].as_u64(), list["forms"].as_u64()), (Some(200), Some(1)), "{seen}");
    assert_eq!((list["form_id"].as_str(), list["openrosa_version"].as_str()), (Some("homeward_rss"), Some("1.0")));
    assert_eq!(list["download_url"], format!("{url}/openrosa/forms/homeward_rss.xml"));
    assert_eq!((seen["form"]["status"].as_u64(), seen["form"]["hash_matches"].as_bool()), (Some(200), Some(true)));
    assert_eq!(
        (seen["head"]["status"].as_u64(), seen["head"]["accept_length"].as_str()),
        (Some(204), Some("10485760"))
    );

    let sends = &seen["sends"];
    let step =
        |name: &str| (sends[name]["status"].as_u64().unwrap(), sends[name]["text"].as_str().unwrap().to_string());
    let (status, said) = step("submit");
    assert_eq!(status, 201, "{said}");
    assert!(said.contains(&number) && said.contains("scored"), "{said}");
    assert_eq!(sends["submit"]["nature"], "submit_success");
    assert_eq!(step("resubmit_after_interruption").0, 202, "the same instance again: accepted, nothing stored");
    assert_eq!(step("changed_resubmission").0, 409);
    let (status, said) = step("unknown_case");
    assert_eq!(status, 422);
    assert!(said.contains("case_id") && said.contains("HW-1999-999999"), "{said}");
    for name in ["submit", "resubmit_after_interruption", "changed_resubmission", "unknown_case"] {
        assert_eq!(sends[name]["openrosa_version"], "1.0", "{name}");
    }
    assert_eq!(seen["other_role"]["status"], 403, "a partner service provider takes no surveys");
    assert_eq!(seen["wrong_password"]["status"], 401);

    // Stored once, scored, on the case, as sent by fatou from her device.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = homeward_store::Store::connect(&database).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let surveys = homeward_store::query::surveys::of_case(&mut conn, &case_id).await.unwrap();
        let sent: Vec<_> =
            surveys.iter().filter(|(s, _)| s.interviewer == "fatou" && s.created_by == "fatou").collect();
        let instance = seen["instance_id"].as_str().unwrap().trim_start_matches("uuid:");
        let stored = homeward_store::query::surveys::submissions_among(&mut conn, &[instance]).await.unwrap();
        assert_eq!(stored.len(), 1, "kept with its instance id");
        assert!(sent.iter().any(|(_, results)| results.iter().any(|r| r.status == homeward_rss::Status::Scored)));
    });
}

/// A backup taken while clients keep registering cases holds every case acknowledged before it
/// began; restored into a new file it passes the integrity check and the audit verification, and
/// the server starts on it. A backup never overwrites a file, a restore never overwrites a
/// database, a file that is no backup is refused, and PostgreSQL gets the pg_dump recipe.
#[test]
fn a_backup_taken_under_load_restores_every_acknowledged_write_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("live.db").display());
    let token = demo_database(&database, 0);
    let server = Server::start(&database);
    let port = server.port;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let body = r#"{"given_name":"Awa","family_name":"Ba","sex":"female","date_of_birth":"1990-01-01",
        "date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar"}"#;
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (acknowledged, stop, token) = (Arc::clone(&acknowledged), Arc::clone(&stop), token.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match server_support::http(port, "POST", "/api/v1/cases", &token, Some(body)) {
                        Ok((201, answer)) => {
                            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
                            acknowledged.lock().unwrap().push(v["id"].as_str().unwrap().to_string());
                        }
                        Ok((status, answer)) => panic!("unexpected {status}: {answer}"),
                        Err(e) => panic!("the server stopped answering during the backup: {e}"),
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 100 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let before = acknowledged.lock().unwrap().clone();
    let backup_file = dir.path().join("backup.db");
    let backup = homeward(&["backup", "--database", &database, "--output", backup_file.to_str().unwrap()]);
    let during = acknowledged.lock().unwrap().len();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    assert!(backup.status.success(), "{}{}", text(&backup.stdout), text(&backup.stderr));
    assert!(text(&backup.stdout).contains("integrity check ok"), "{}", text(&backup.stdout));
    assert!(during > before.len(), "writes went on while the backup was taken");
    drop(server);

    let again = homeward(&["backup", "--database", &database, "--output", backup_file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "never overwrites");

    // Restored into a new database, with the deployment's audit key.
    let key = format!("{}.audit-key", dir.path().join("live.db").display());
    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    let restore =
        homeward(&["restore", "--database", &restored, "--audit-key", &key, "--input", backup_file.to_str().unwrap()]);
    assert!(restore.status.success(), "{}{}", text(&restore.stdout), text(&restore.stderr));
    assert!(text(&restore.stdout).contains("integrity check: ok"));
    assert!(text(&restore.stdout).contains("audit log intact"), "{}", text(&restore.stdout));
    std::fs::copy(&key, format!("{}.audit-key", dir.path().join("restored.db").display())).unwrap();
    let server = Server::start(&restored);
    for id in &before {
        let (status, _) = server.request("GET", &format!("/api/v1/cases/{id}"), &token, None).unwrap();
        assert_eq!(status, 200, "case {id} was acknowledged before the backup began");
    }
    drop(server);

    let over =
        homeward(&["restore", "--database", &restored, "--audit-key", &key, "--input", backup_file.to_str().unwrap()]);
    assert_eq!(over.status.code(), Some(2), "never restores over a database: {}", text(&over.stderr));
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let elsewhere = format!("sqlite://{}", dir.path().join("elsewhere.db").display());
    let refused = homeward(&["restore", "--database", &elsewhere, "--input", junk.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    let wrong_key = dir.path().join("other.key");
    let unverified = homeward(&[
        "restore",
        "--database",
        &elsewhere,
        "--audit-key",
        wrong_key.to_str().unwrap(),
        "--input",
        backup_file.to_str().unwrap(),
    ]);
    assert_eq!(unverified.status.code(), Some(1), "restored, but the audit log is not verified without its key");
    let postgres = homeward(&["backup", "--database", "postgres://hw:secret@db:5432/hw", "--output", "x.dump"]);
    assert_eq!(postgres.status.code(), Some(2));
    assert!(text(&postgres.stderr).contains("pg_dump --format=custom"));
}
