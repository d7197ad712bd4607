//! Need-to-know on side paths, sessions and sign-in, the keyed audit log, and HTTP hardening
//! (issue 12, parts 2 to 5). Each scenario attempts the bypass and fails if it ever works
//! again; each runs on SQLite and on PostgreSQL.

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use homeward_service::settings::Settings;
use homeward_store::audit::{self, Anchor, Verdict};
use serde_json::{Value, json};
use support::{PASSWORD, TestApp, id};

on_both_backends!(
    a_caller_may_raise_the_minimum_cell_but_never_lower_it_below_the_deployments_floor,
    the_trafficking_schedule_and_psychosocial_referrals_are_gated_like_their_sections,
    a_pseudonymised_case_carries_no_free_text,
    administrators_give_no_more_than_they_hold_and_sensitive_grants_need_a_second_administrator,
    sessions_expire_and_end_when_the_account_changes,
    the_attempt_limit_holds_under_concurrent_attempts_and_a_stranger_locks_out_only_themselves,
    an_address_that_hammers_sign_in_is_throttled_before_any_row_is_written,
    usernames_have_one_spelling,
    a_rewritten_forged_truncated_or_deleted_audit_log_is_detected,
    reads_of_the_audit_log_and_refusals_are_recorded_with_the_client_address,
    every_answer_carries_the_security_headers_and_case_data_is_not_cached,
    the_same_submission_twice_stores_one_record,
    writes_at_once_on_one_case_never_deadlock_on_the_audit_chain,
);

fn code(body: &Value) -> &str {
    body["fields"][0]["code"].as_str().unwrap_or_else(|| panic!("no problem code in {body}"))
}

async fn a_caller_may_raise_the_minimum_cell_but_never_lower_it_below_the_deployments_floor(t: &TestApp) {
    let token = t.admin().await;
    t.register(&token, "Awa", "Ba", "dakar").await;
    let router = t.router_with(Settings { min_cell_floor: 8, ..Settings::default() });
    for (asked, used) in [("", 8), ("&min_cell=1", 8), ("&min_cell=0", 8), ("&min_cell=12", 12)] {
        let path = format!("/api/v1/indicators?from=2026-01-01&to=2026-12-31{asked}");
        let (status, body, _) = t.call_from(&router, "10.0.0.1", &token, "GET", &path, None, &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["min_cell"], used, "asked {asked:?}");
        let path = format!("/api/v1/analyses/regression?formula=composite~sex&from=2026-01-01&to=2026-12-31{asked}");
        let (_, body, _) = t.call_from(&router, "10.0.0.1", &token, "GET", &path, None, &[]).await;
        assert!(body.to_string().contains(&used.to_string()), "the regression's minimum is {used}: {body}");
    }
}

async fn the_trafficking_schedule_and_psychosocial_referrals_are_gated_like_their_sections(t: &TestApp) {
    let root = t.admin().await;
    let manager = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let mut registration = support::registration("Awa", "Ba", "dakar");
    registration["schedule"] = "trafficking".into();
    // Setting the schedule would say what the user may not know.
    let (status, body) = t.post(&manager, "/api/v1/cases", registration.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "schedule_needs_grant"), "{body}");
    let (status, case) = t.post(&root, "/api/v1/cases", registration.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(case["schedule"], "trafficking", "the granted see it");
    let path = format!("/api/v1/cases/{}", id(&case));
    let (_, seen) = t.get(&manager, &path).await;
    assert_eq!(seen["schedule"], "restricted", "{seen}");
    let (_, listed) = t.get(&manager, "/api/v1/cases").await;
    assert!(!listed.to_string().contains("trafficking"), "{listed}");
    // Correcting the case without the grant keeps the schedule; changing it is refused.
    let mut kept = registration.clone();
    kept["schedule"] = "restricted".into();
    let (status, body) = t.put(&manager, &path, json!({"version": seen["version"], "case": kept})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.get(&root, &path).await.1["schedule"], "trafficking");
    let mut moved = registration.clone();
    moved["schedule"] = "standard".into();
    let (status, body) = t.put(&manager, &path, json!({"version": body["version"], "case": moved})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "schedule_needs_grant"), "{body}");

    // A psychosocial referral's category and reason reveal mental-health needs.
    let (status, p) = t
        .post(
            &root,
            "/api/v1/providers",
            json!({"organisation": "Clinique", "services": ["counselling"], "dimensions": ["psychosocial"],
            "country": "SN", "place": "Dakar", "last_verified": "2026-06-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, r) = t
        .post(
            &root,
            &format!("{path}/referrals"),
            json!({"provider": id(&p), "service_type": "counselling", "category": "psychological_counselling",
            "reason": "Panic attacks since return"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, theirs) = t.get(&manager, &format!("{path}/referrals")).await;
    assert_eq!(
        (theirs[0]["request"]["reason"].as_str(), theirs[0]["restricted"].as_bool()),
        (Some("restricted"), Some(true))
    );
    assert_eq!(theirs[0]["request"]["category"], Value::Null);
    assert!(!theirs.to_string().contains("Panic"), "{theirs}");
    let (_, one) = t.get(&manager, &format!("{path}/referrals/{}", id(&r))).await;
    assert!(!one.to_string().contains("Panic") && !one.to_string().contains("psychological"), "{one}");
    let counsellor = t.user("awa", "case_manager", Some("dakar"), "psychosocial").await;
    let (_, granted) = t.get(&counsellor, &format!("{path}/referrals")).await;
    assert_eq!(granted[0]["request"]["reason"], "Panic attacks since return");
}

async fn a_pseudonymised_case_carries_no_free_text(t: &TestApp) {
    let root = t.admin().await;
    let mut registration = support::registration("Awa", "Ba", "dakar");
    registration["profile"] = json!({"host_country": "MA", "years_abroad": 4, "occupation": "tailor, call 77 123 45 67",
        "languages": ["wolof (ask for Awa at home)"], "family_attitude": "brother Moussa Ba threatens her",
        "address": "Rue 10", "community": "Medina", "contacts": ["+221771234567"], "province": "Dakar",
        "interpreter_needed": false});
    let (status, case) = t.post(&root, "/api/v1/cases", registration).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let monitor = t.user("monitor", "me_officer", None, "").await;
    let (status, seen) = t.get(&monitor, &format!("/api/v1/cases/{}", id(&case))).await;
    assert_eq!(status, StatusCode::OK);
    let text = seen.to_string();
    for typed in ["77 123", "Moussa", "ask for Awa", "Rue 10", "Medina", "+221", "Awa", "Ba\""] {
        assert!(!text.contains(typed), "{typed:?} leaked into {seen}");
    }
    assert_eq!(
        (seen["profile"]["host_country"].as_str(), seen["profile"]["years_abroad"].as_u64()),
        (Some("MA"), Some(4)),
        "the coded fields stay: {seen}"
    );
}

async fn administrators_give_no_more_than_they_hold_and_sensitive_grants_need_a_second_administrator(t: &TestApp) {
    let root = t.admin().await;
    let local = t.user("local_admin", "admin", Some("dakar"), "health").await;
    let account = |name: &str, office: &str, grants: Value| {
        json!({"username": name, "password": PASSWORD, "role": "case_manager", "office": office,
            "grants": grants, "language": "fr"})
    };
    // Not beyond one's own office or sections.
    let (status, body) = t.post(&local, "/api/v1/users", account("a1", "thies", json!([]))).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "grant_beyond_own"), "{body}");
    let (status, body) = t.post(&local, "/api/v1/users", account("a2", "dakar", json!(["trafficking"]))).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "grant_beyond_own"), "{body}");
    // Not to oneself: a wider office, another section, emergency sharing.
    for me in [
        json!({"role": "admin", "grants": ["health"], "language": "en"}),
        json!({"role": "admin", "office": "dakar", "grants": ["health", "gbv_protection"], "language": "en"}),
        json!({"role": "admin", "office": "dakar", "grants": ["health"], "emergency_sharing": true, "language": "en"}),
    ] {
        let (status, body) = t.put(&local, "/api/v1/users/local_admin", me).await;
        assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "grant_beyond_own"), "{body}");
    }
    let rooted = json!({"role": "admin", "grants": ["health", "psychosocial", "gbv_protection", "trafficking", "sogiesc"],
        "emergency_sharing": true, "language": "en"});
    let (status, body) = t.put(&root, "/api/v1/users/root", rooted).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "grant_beyond_own"), "{body}");

    // A new sensitive section waits for a second administrator; the rest applies at once.
    let (status, nurse) = t.post(&local, "/api/v1/users", account("nurse", "dakar", json!(["health"]))).await;
    assert_eq!(status, StatusCode::CREATED, "{nurse}");
    assert_eq!((nurse["grants"].clone(), nurse["pending_grant"]["sections"].clone()), (json!([]), json!(["health"])));
    let request = nurse["pending_grant"]["id"].as_str().unwrap().to_string();
    let (_, pending) = t.get(&root, "/api/v1/grant-requests").await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let decide = format!("/api/v1/grant-requests/{request}/decision");
    let (status, body) = t.post(&local, &decide, json!({"approve": true})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "four_eyes"), "not the one who asked");
    let nurse_token = t.token_of("nurse").await;
    let (status, approved) = t.post(&root, &decide, json!({"approve": true})).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["grants"], json!(["health"]));
    assert_eq!(t.get(&nurse_token, "/api/v1/session").await.0, StatusCode::UNAUTHORIZED, "new grants, new session");
    let (status, _) = t.post(&root, &decide, json!({"approve": true})).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    // The holder cannot approve their own request either.
    let (_, changed) = t
        .put(
            &local,
            "/api/v1/users/nurse",
            json!({"role": "case_manager", "office": "dakar", "language": "fr",
            "grants": ["health"], "emergency_sharing": true}),
        )
        .await;
    // Emergency sharing is beyond the local administrator's own reach.
    assert_eq!(code(&changed), "grant_beyond_own", "{changed}");
}

async fn sessions_expire_and_end_when_the_account_changes(t: &TestApp) {
    let root = t.admin().await;
    t.account("fatou", "case_manager", Some("dakar"), "", false).await;
    let token = t.token_of("fatou").await;
    assert_eq!(t.get(&token, "/api/v1/session").await.0, StatusCode::OK);
    // Idle past the deployment's limit: the session is over, and stays over.
    let idle = t.router_with(Settings { session_idle: Duration::ZERO, ..Settings::default() });
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        t.call_from(&idle, "10.0.0.1", &token, "GET", "/api/v1/session", None, &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(t.get(&token, "/api/v1/session").await.0, StatusCode::UNAUTHORIZED, "an expired session is removed");
    // Past its absolute lifetime, however busy.
    let token = t.token_of("fatou").await;
    let old = t.router_with(Settings { session_lifetime: Duration::ZERO, ..Settings::default() });
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        t.call_from(&old, "10.0.0.1", &token, "GET", "/api/v1/session", None, &[]).await.0,
        StatusCode::UNAUTHORIZED
    );

    // A change of role, office, a new password or disabling ends every session at once.
    let base = json!({"role": "case_manager", "office": "dakar", "language": "en"});
    for change in [
        json!({"role": "counsellor", "office": "dakar", "language": "en"}),
        json!({"role": "case_manager", "office": "thies", "language": "en"}),
        json!({"role": "case_manager", "office": "dakar", "language": "en", "password": "a brand new password"}),
        json!({"role": "case_manager", "office": "dakar", "language": "en", "disabled": true}),
    ] {
        let (status, body) = t.put(&root, "/api/v1/users/fatou", base.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (one, two) = (t.token_of("fatou").await, t.token_of("fatou").await);
        let (status, body) = t.put(&root, "/api/v1/users/fatou", change.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for token in [one, two] {
            assert_eq!(t.get(&token, "/api/v1/session").await.0, StatusCode::UNAUTHORIZED, "{change}");
        }
    }
    // A change of language alone does not.
    t.put(&root, "/api/v1/users/fatou", base.clone()).await;
    let token = t.token_of("fatou").await;
    let mut french = base.clone();
    french["language"] = "fr".into();
    t.put(&root, "/api/v1/users/fatou", french).await;
    assert_eq!(t.get(&token, "/api/v1/session").await.0, StatusCode::OK);
}

async fn sign_in_from(t: &TestApp, router: &axum::Router, address: &str, username: &str, password: &str) -> StatusCode {
    let body = json!({"username": username, "password": password});
    t.call_from(router, address, "", "POST", "/api/v1/session", Some(body), &[]).await.0
}

async fn the_attempt_limit_holds_under_concurrent_attempts_and_a_stranger_locks_out_only_themselves(t: &TestApp) {
    t.account("fatou", "case_manager", Some("dakar"), "", false).await;
    let router = t.router_with(Settings::default());
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (app, router) = (t, router.clone());
            async move { sign_in_from(app, &router, "203.0.113.66", "fatou", "a wrong guess").await }
        })
        .collect();
    let mut statuses = Vec::new();
    for status in futures_join(attempts).await {
        statuses.push(status);
    }
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((wrong, refused), (5, 15), "only five guesses were checked: {statuses:?}");
    assert_eq!(sign_in_from(t, &router, "203.0.113.66", "fatou", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // The real user, at her own desk, is not locked out by the stranger.
    assert_eq!(sign_in_from(t, &router, "192.0.2.10", "fatou", PASSWORD).await, StatusCode::CREATED);
    // An administrator lifts the stranger's lock too (the recovery path).
    let root = t.admin().await;
    assert_eq!(t.post(&root, "/api/v1/users/fatou/unlock", json!(null)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(sign_in_from(t, &router, "203.0.113.66", "fatou", PASSWORD).await, StatusCode::CREATED);
}

/// Runs the futures at once on the test's runtime.
async fn futures_join<F: std::future::Future<Output = StatusCode>>(futures: Vec<F>) -> Vec<StatusCode> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<StatusCode>> = vec![None; pinned.len()];
    std::future::poll_fn(|cx| {
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none()
                && let std::task::Poll::Ready(v) = f.as_mut().poll(cx)
            {
                done[i] = Some(v);
            }
        }
        if done.iter().all(Option::is_some) { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    done.into_iter().map(Option::unwrap).collect()
}

async fn an_address_that_hammers_sign_in_is_throttled_before_any_row_is_written(t: &TestApp) {
    let router = t.router_with(Settings { attempts_per_address: 3, ..Settings::default() });
    for n in 0..3 {
        let status = sign_in_from(t, &router, "198.51.100.7", &format!("guess{n}"), "x").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let rows = t.count("sign_in_attempts").await;
    let entries = t.count("audit_log").await;
    for n in 3..10 {
        let status = sign_in_from(t, &router, "198.51.100.7", &format!("guess{n}"), "x").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!((t.count("sign_in_attempts").await, t.count("audit_log").await), (rows, entries), "nothing written");
    assert_eq!(sign_in_from(t, &router, "198.51.100.8", "guess", "x").await, StatusCode::UNAUTHORIZED, "others pass");
}

async fn usernames_have_one_spelling(t: &TestApp) {
    let root = t.admin().await;
    let account = |name: &str| {
        json!({"username": name, "password": PASSWORD, "role": "counsellor",
        "office": "dakar", "language": "fr"})
    };
    let (status, created) = t.post(&root, "/api/v1/users", account("Demo")).await;
    assert_eq!((status, created["username"].as_str()), (StatusCode::CREATED, Some("demo")), "{created}");
    for same in ["demo", "DEMO", "ｄｅｍｏ"] {
        assert_eq!(t.post(&root, "/api/v1/users", account(same)).await.0, StatusCode::CONFLICT, "{same}");
    }
    for sneaky in ["de\u{200b}mo", "demo\u{feff}", "de\u{202e}mo", "de mo"] {
        let (status, body) = t.post(&root, "/api/v1/users", account(sneaky)).await;
        assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "username_invisible"), "{sneaky:?}");
    }
    let router = t.router_with(Settings::default());
    assert_eq!(sign_in_from(t, &router, "10.0.0.3", "DEMO", PASSWORD).await, StatusCode::CREATED);
}

async fn a_rewritten_forged_truncated_or_deleted_audit_log_is_detected(t: &TestApp) {
    let token = t.admin().await;
    let case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    for _ in 0..5 {
        t.get(&token, &format!("/api/v1/cases/{case}")).await;
    }
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let anchor = audit::anchor(&mut conn).await.unwrap();
    assert_eq!(anchor.seq, 6);
    assert_eq!(Anchor::parse(&anchor.to_text()).unwrap(), anchor);
    assert_eq!(
        audit::verify(&mut conn, &t.key, Some(&anchor)).await.unwrap(),
        Verdict::Intact { entries: 6, unkeyed: 0 }
    );
    drop(conn);
    t.get(&token, &format!("/api/v1/cases/{case}")).await;
    t.store.execute_admin(t.disable_audit_guard()).await.unwrap();

    // A database owner rewrites entry 3 and recomputes the chain without the key: as the old
    // unkeyed chain, or with a key of their own. Either way the keyed hash does not hold.
    let mut conn = t.store.read().await.unwrap();
    let entries = all_entries(&mut conn).await;
    drop(conn);
    for forged_key in [None, Some(homeward_store::audit::AuditKey::generate().unwrap())] {
        rewrite_chain(t, &entries, 3, forged_key.as_ref()).await;
        t.settle().await;
        let mut conn = t.store.read().await.unwrap();
        match audit::verify(&mut conn, &t.key, None).await.unwrap() {
            Verdict::Broken { seq: 3, why } => assert!(why.contains("rewritten") || why.contains("key"), "{why}"),
            other => panic!("a rewritten, resealed entry must be found: {other:?}"),
        }
    }
    rewrite_chain(t, &entries, 0, None).await; // back as it was
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    assert!(matches!(audit::verify(&mut conn, &t.key, None).await.unwrap(), Verdict::Intact { .. }));
    drop(conn);

    // Truncated to before the anchor, with the head set back to match: only the anchor tells.
    t.store.execute_admin("DELETE FROM audit_log WHERE seq > 4").await.unwrap();
    let head = &entries[3];
    t.store
        .execute_admin(&format!("UPDATE audit_head SET seq = 4, hash = '{}' WHERE id = 1", head.hash))
        .await
        .unwrap();
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut conn, &t.key, None).await.unwrap(), Verdict::Intact { entries: 4, unkeyed: 0 });
    match audit::verify(&mut conn, &t.key, Some(&anchor)).await.unwrap() {
        Verdict::Broken { why, .. } => assert!(why.contains("truncated"), "{why}"),
        other => panic!("truncation must be found against the anchor: {other:?}"),
    }
    drop(conn);
    // Deleted altogether.
    t.store.execute_admin("DELETE FROM audit_log").await.unwrap();
    t.store
        .execute_admin(&format!("UPDATE audit_head SET seq = 0, hash = '{}' WHERE id = 1", "0".repeat(64)))
        .await
        .unwrap();
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    match audit::verify(&mut conn, &t.key, Some(&anchor)).await.unwrap() {
        Verdict::Broken { why, .. } => assert!(why.contains("deleted"), "{why}"),
        other => panic!("a deleted log must be found against the anchor: {other:?}"),
    }
}

/// Every entry of the log, oldest first (every entry of this test is about its one case).
async fn all_entries(conn: &mut homeward_store::AnyConnection) -> Vec<audit::Stored> {
    let page = homeward_store::query::cases::list(conn, &Default::default(), None, 1).await.unwrap();
    let mut all = audit::for_case(conn, page.items[0].id.as_str(), 1000).await.unwrap();
    all.reverse();
    all
}

/// Rewrites the log as `entries`, entry `changed` (if any) with another actor, the chain
/// recomputed with `key` (or the unkeyed hash) from there on, and the head to match.
async fn rewrite_chain(
    t: &TestApp,
    entries: &[audit::Stored],
    changed: i64,
    key: Option<&homeward_store::audit::AuditKey>,
) {
    t.store.execute_admin("DELETE FROM audit_log").await.unwrap();
    let mut prev = "0".repeat(64);
    for s in entries {
        let mut e = s.entry.clone();
        let (hash, key_id) = if s.seq >= changed && changed > 0 {
            if s.seq == changed {
                e.actor = "nobody".into();
            }
            match key {
                Some(k) => {
                    let text = k.to_text();
                    let secret = text.lines().nth(1).unwrap().split_once(' ').unwrap().1.to_string();
                    let bytes: Vec<u8> = (0..secret.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
                        .collect();
                    (audit::seal(&bytes, &prev, s.seq, &s.at, &e), s.key_id.clone())
                }
                None => (audit::hash(&prev, s.seq, &s.at, &e), String::new()),
            }
        } else {
            (s.hash.clone(), s.key_id.clone())
        };
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, action, entity, record_id, case_id, fields, prev_hash, hash, key_id, client) \
             VALUES ({}, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')",
            s.seq,
            s.at,
            e.actor,
            e.action,
            e.entity,
            e.record_id,
            e.case_id.clone().unwrap_or_default(),
            e.fields,
            prev,
            hash,
            key_id,
            e.client
        );
        t.store.execute_admin(&sql).await.unwrap();
        prev = hash;
    }
    let last = entries.last().map_or(0, |s| s.seq);
    t.store.execute_admin(&format!("UPDATE audit_head SET seq = {last}, hash = '{prev}' WHERE id = 1")).await.unwrap();
}

async fn reads_of_the_audit_log_and_refusals_are_recorded_with_the_client_address(t: &TestApp) {
    let root = t.admin().await;
    let case = id(&t.register(&root, "Awa", "Ba", "dakar").await);
    let router = t.router_with(Settings::default());
    let path = format!("/api/v1/cases/{case}/audit");
    let (status, _, _) = t.call_from(&router, "203.0.113.5", &root, "GET", &path, None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let counsellor = t.user("awa", "counsellor", Some("dakar"), "").await;
    let other_office = t.user("moussa", "case_manager", Some("thies"), "").await;
    let plans = format!("/api/v1/cases/{case}/plans");
    let (status, _, _) =
        t.call_from(&router, "203.0.113.6", &counsellor, "POST", &plans, Some(json!({"content": {}})), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) =
        t.call_from(&router, "203.0.113.7", &other_office, "GET", &format!("/api/v1/cases/{case}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t.post("", "/api/v1/session", json!({"username": "root", "password": "guess"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let want = [
        ("root", "read", "audit_log", "203.0.113.5"),
        ("awa", "denied", "permission", "203.0.113.6"),
        ("moussa", "denied", "case", "203.0.113.7"),
        ("anonymous:root", "denied", "user", "unknown"),
    ];
    let mut found = Vec::new();
    for _ in 0..100 {
        t.settle().await;
        let mut conn = t.store.read().await.unwrap();
        let mut log = audit::for_case(&mut conn, &case, 100).await.unwrap();
        log.extend(audit::for_record(&mut conn, "permission", "plan", 100).await.unwrap());
        log.extend(audit::for_record(&mut conn, "user", "root", 100).await.unwrap());
        found = want
            .iter()
            .filter(|(actor, action, entity, client)| {
                log.iter().any(|e| {
                    e.entry.actor == *actor
                        && e.entry.action == *action
                        && e.entry.entity == *entity
                        && e.entry.client == *client
                })
            })
            .collect::<Vec<_>>();
        if found.len() == want.len() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("every read of the log and every refusal is recorded with its address; found only {found:?}");
}

async fn every_answer_carries_the_security_headers_and_case_data_is_not_cached(t: &TestApp) {
    let token = t.admin().await;
    let case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    let router = t.router_with(Settings::default());
    for (path, auth) in [
        (format!("/api/v1/cases/{case}"), token.as_str()),
        ("/api/v1/cases".to_string(), token.as_str()),
        ("/api/v1/nowhere".to_string(), ""),
        ("/api/v1/cases".to_string(), ""),
        ("/api/v1/indicators?from=2026-01-01&to=2026-12-31".to_string(), token.as_str()),
    ] {
        let (_, _, headers) = t.call_from(&router, "10.0.0.1", auth, "GET", &path, None, &[]).await;
        let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(h("cache-control"), "no-store", "{path}");
    }
}

async fn the_same_submission_twice_stores_one_record(t: &TestApp) {
    let token = t.admin().await;
    let case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    let router = t.router_with(Settings::default());
    let path = format!("/api/v1/cases/{case}/follow-ups");
    let visit = json!({"date": "2026-03-02", "mode": "face_to_face", "kind": "routine"});
    let once = [("idempotency-key", "visit-2026-03-02-a")];
    let before = t.count("case_records").await;
    let (s1, first, _) = t.call_from(&router, "10.0.0.1", &token, "POST", &path, Some(visit.clone()), &once).await;
    let (s2, second, _) = t.call_from(&router, "10.0.0.1", &token, "POST", &path, Some(visit.clone()), &once).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED), "{first} {second}");
    assert_eq!(id(&first), id(&second), "the second answers the first");
    assert_eq!(t.count("case_records").await, before + 1);
    // Without a key, or with another, a second record is made (two real visits).
    t.call_from(&router, "10.0.0.1", &token, "POST", &path, Some(visit.clone()), &[("idempotency-key", "other")]).await;
    assert_eq!(t.count("case_records").await, before + 2);
    // A key names one kind of creation.
    let survey = format!("/api/v1/cases/{case}/surveys");
    let body = json!({"phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": support::best_answers()});
    let (status, _, _) = t.call_from(&router, "10.0.0.1", &token, "POST", &survey, Some(body.clone()), &once).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let key = [("idempotency-key", "survey-1")];
    let (_, a, _) = t.call_from(&router, "10.0.0.1", &token, "POST", &survey, Some(body.clone()), &key).await;
    let (_, b, _) = t.call_from(&router, "10.0.0.1", &token, "POST", &survey, Some(body.clone()), &key).await;
    assert_eq!(id(&a), id(&b));
    assert_eq!(t.count("surveys").await, 1);
    let (status, bad, _) = t
        .call_from(&router, "10.0.0.1", &token, "POST", &path, Some(visit), &[("idempotency-key", "with space")])
        .await;
    assert_eq!((status, code(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_shape"));
}

/// Surveys (which set the case's band) and follow-up visits (which move its next visit), sent
/// at once on one case: every one is stored and the chain verifies. On PostgreSQL a survey once
/// appended to the chain before setting its band, holding the chain's head while waiting for
/// the case, and a visit that had set the case first then waited for the head: a deadlock,
/// which PostgreSQL broke by failing one (`scripts/bench-api`'s write mix, one in thousands).
async fn writes_at_once_on_one_case_never_deadlock_on_the_audit_chain(t: &TestApp) {
    let token = t.admin().await;
    let case = id(&t.register(&token, "Awa", "Ndiaye", "dakar").await);
    let survey = json!({"phase": "ad_hoc", "date": "2026-11-01", "consent": "yes", "answers": support::best_answers()});
    let visit = json!({"date": "2026-11-01", "mode": "phone", "kind": "routine"});
    let (surveys, visits) = (format!("/api/v1/cases/{case}/surveys"), format!("/api/v1/cases/{case}/follow-ups"));
    let writes = (0..40).map(|i| {
        let (path, body) = if i % 2 == 0 { (&surveys, survey.clone()) } else { (&visits, visit.clone()) };
        t.post(&token, path, body)
    });
    for (status, body) in futures_util::future::join_all(writes).await {
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    assert!(matches!(audit::verify(&mut conn, &t.key, None).await.unwrap(), Verdict::Intact { .. }));
}
