//! Two `homeward serve` processes on one PostgreSQL database, as behind a load balancer (issue 18
//! §2): whatever must be shared between app servers is kept in the database, so a client that
//! lands on either server sees one system. Sign-in limits, sessions and their revocation,
//! idempotency keys, case numbers and the audit chain are each driven through both servers, and
//! so are changes to one case made at once.

mod server_support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use server_support::{Server, demo_database, homeward, http, http_with, postgres_admin, postgres_database, text};

const PASSWORD: &str = "homeward-demo";

/// Two servers on a fresh database named `name` with the demo data; the demo admin's token.
fn two_servers(name: &str, env: &[(&str, &str)]) -> Option<(Server, Server, String, String)> {
    let admin = postgres_admin()?;
    let url = postgres_database(&admin, name);
    let token = demo_database(&url, 2);
    let a = Server::start_with_env(&url, env);
    let b = Server::start_with_env(&url, env);
    Some((a, b, token, url))
}

fn registration(family_name: &str) -> String {
    json!({"given_name": "Awa", "family_name": family_name, "sex": "female", "date_of_birth": "1990-01-01",
        "date_of_return": "2026-01-01", "country_of_origin": "SN", "office": "dakar"})
    .to_string()
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Sends every request (port, method, path, body) at the same moment, one thread each, and
/// returns the answers in the order of the requests.
fn at_once(token: &str, requests: Vec<(u16, &'static str, String, String)>) -> Vec<(u16, String)> {
    let start = std::sync::Arc::new(std::sync::Barrier::new(requests.len()));
    let senders: Vec<_> = requests
        .into_iter()
        .map(|(port, method, path, body)| {
            let (token, start) = (token.to_string(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                http(port, method, &path, &token, Some(&body)).unwrap()
            })
        })
        .collect();
    senders.into_iter().map(|s| s.join().unwrap()).collect()
}

fn sign_in(port: u16, username: &str, password: &str) -> (u16, String) {
    let body = json!({"username": username, "password": password}).to_string();
    http_with(port, "POST", "/api/v1/session", &[], Some(&body)).unwrap()
}

#[test]
fn case_numbers_stay_unique_and_in_sequence_when_both_servers_register_at_once() {
    let Some((a, b, token, _)) = two_servers("hw_test_two_numbers", &[]) else { return };
    let clients: Vec<_> = (0..8)
        .map(|n| {
            let port = if n % 2 == 0 { a.port } else { b.port };
            let token = token.clone();
            std::thread::spawn(move || {
                (0..15)
                    .map(|i| {
                        let (status, body) =
                            http(port, "POST", "/api/v1/cases", &token, Some(&registration(&format!("Ba{n}x{i}"))))
                                .unwrap();
                        assert_eq!(status, 201, "{body}");
                        json_of(&body)["case_number"].as_str().unwrap().to_string()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let numbers: Vec<String> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(distinct.len(), 120, "every case has its own number");
    let serials: Vec<u64> = distinct.iter().map(|n| n.rsplit('-').next().unwrap().parse().unwrap()).collect();
    assert_eq!(serials.last().unwrap() - serials[0], 119, "no number skipped between the servers: {serials:?}");
}

#[test]
fn a_creation_sent_again_with_its_idempotency_key_is_one_case_whichever_server_takes_it() {
    let Some((a, b, token, _)) = two_servers("hw_test_two_idempotency", &[]) else { return };
    let auth = format!("Bearer {token}");
    let create = |port: u16, key: &str| {
        let headers = [("Authorization", auth.as_str()), ("Idempotency-Key", key)];
        http_with(port, "POST", "/api/v1/cases", &headers, Some(&registration("Retry"))).unwrap()
    };
    let (status, first) = create(a.port, "retry-1");
    assert_eq!(status, 201, "{first}");
    let (status, again) = create(b.port, "retry-1");
    assert!(status == 200 || status == 201, "{status}: {again}");
    assert_eq!(json_of(&again)["id"], json_of(&first)["id"], "the other server answers the case made the first time");

    // Sent to both at the same moment: one case, and each answer either names it or says it is
    // being saved.
    let (pa, pb) = (a.port, b.port);
    let racers: Vec<_> = (0..6)
        .map(|n| {
            let auth = auth.clone();
            std::thread::spawn(move || {
                let port = if n % 2 == 0 { pa } else { pb };
                let headers = [("Authorization", auth.as_str()), ("Idempotency-Key", "race-1")];
                http_with(port, "POST", "/api/v1/cases", &headers, Some(&registration("Race"))).unwrap()
            })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for racer in racers {
        let (status, body) = racer.join().unwrap();
        match status {
            200 | 201 => {
                ids.insert(json_of(&body)["id"].as_str().unwrap().to_string());
            }
            409 => assert!(body.contains("being saved already"), "{body}"),
            _ => panic!("{status}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "one case for one key: {ids:?}");
    let (_, list) = http(a.port, "GET", "/api/v1/cases?q=race", &token, None).unwrap();
    assert_eq!(json_of(&list)["items"].as_array().map(Vec::len), Some(1), "{list}");
}

#[test]
fn a_session_begun_on_one_server_is_known_and_ended_on_the_other() {
    let Some((a, b, admin, _)) = two_servers("hw_test_two_sessions", &[]) else { return };
    let (status, body) = sign_in(a.port, "counsellor", PASSWORD);
    assert_eq!(status, 201, "{body}");
    let token = json_of(&body)["token"].as_str().unwrap().to_string();
    assert_eq!(http(b.port, "GET", "/api/v1/session", &token, None).unwrap().0, 200, "B knows A's session");
    assert_eq!(http(b.port, "DELETE", "/api/v1/session", &token, None).unwrap().0, 204, "signed out on B");
    assert_eq!(http(a.port, "GET", "/api/v1/session", &token, None).unwrap().0, 401, "and so ended on A");

    // An account disabled through one server loses its sessions on the other at once.
    let (_, body) = sign_in(b.port, "counsellor", PASSWORD);
    let token = json_of(&body)["token"].as_str().unwrap().to_string();
    assert_eq!(http(a.port, "GET", "/api/v1/session", &token, None).unwrap().0, 200);
    let disable = json!({"role": "counsellor", "office": "dakar", "language": "fr", "disabled": true}).to_string();
    let (status, body) = http(a.port, "PUT", "/api/v1/users/counsellor", &admin, Some(&disable)).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(http(b.port, "GET", "/api/v1/session", &token, None).unwrap().0, 401, "revoked on B too");
    assert_eq!(sign_in(b.port, "counsellor", PASSWORD).0, 401, "and cannot sign in again there");
}

#[test]
fn sign_in_limits_count_the_attempts_made_through_both_servers_together() {
    let limits = [("HOMEWARD_SIGN_IN_ATTEMPTS_PER_ADDRESS", "6"), ("HOMEWARD_SIGN_IN_ATTEMPTS_PER_USERNAME", "3")];
    let Some((a, b, _, _)) = two_servers("hw_test_two_limits", &limits) else { return };
    let port = |n: usize| if n.is_multiple_of(2) { a.port } else { b.port };
    // Per username: three wrong guesses, alternating servers; the fourth is refused by either.
    for n in 0..3 {
        assert_eq!(sign_in(port(n), "fatou", "guess").0, 401, "guess {n}");
    }
    assert_eq!(sign_in(port(3), "fatou", PASSWORD).0, 429, "locked, though each server saw only two guesses");
    // Per address: each server has seen no more than four attempts by the seventh, under its own
    // limit of six, yet the seventh and later are refused on both.
    for n in 4..6 {
        assert_eq!(sign_in(port(n), &format!("nobody{n}"), "guess").0, 401, "attempt {n}");
    }
    assert_eq!(sign_in(a.port, "supervisor", PASSWORD).0, 429, "server A refuses the seventh attempt");
    assert_eq!(sign_in(b.port, "supervisor", PASSWORD).0, 429, "and so does server B");
}

#[test]
fn the_audit_chain_verifies_after_both_servers_appended_to_it_at_once() {
    let Some((a, b, token, url)) = two_servers("hw_test_two_audit", &[]) else { return };
    let (_, body) = http(a.port, "POST", "/api/v1/cases", &token, Some(&registration("Chain"))).unwrap();
    let case = json_of(&body)["id"].as_str().unwrap().to_string();
    let workers: Vec<_> = (0..8)
        .map(|n| {
            let port = if n % 2 == 0 { a.port } else { b.port };
            let (token, case) = (token.clone(), case.clone());
            std::thread::spawn(move || {
                for i in 0..40 {
                    let (status, body) = if i % 4 == 0 {
                        http(port, "POST", "/api/v1/cases", &token, Some(&registration(&format!("Chain{n}x{i}"))))
                    } else if i % 4 == 1 {
                        http(port, "GET", "/api/v1/cases?q=chain", &token, None)
                    } else {
                        http(port, "GET", &format!("/api/v1/cases/{case}"), &token, None)
                    }
                    .unwrap();
                    assert!(status == 200 || status == 201, "{status}: {body}");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    drop((a, b));
    let verify = homeward(&["audit", "verify", "--database", &url]);
    assert!(verify.status.success(), "{}{}", text(&verify.stdout), text(&verify.stderr));
    let said = text(&verify.stdout);
    let entries: u64 = said
        .split_whitespace()
        .find_map(|w| w.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("no count in {said}"));
    assert!(entries > 320, "every request of both servers is in the one chain: {said}");
}

#[test]
fn records_sent_to_one_case_through_both_servers_at_once_are_all_kept() {
    // A first assessment moves a case from intake to assessment: each record reads its case and
    // writes it back. Records sent at once to one case take turns on it, so none is refused as a
    // change made meanwhile (409), which the client, sending no version, could not have caused.
    let Some((a, b, token, _)) = two_servers("hw_test_two_records", &[]) else { return };
    let assessment = json!({"date": "2026-02-03", "tool": "rapid_vulnerability_assessment",
        "phase": "on_arrival", "assessor": "F. Sow"})
    .to_string();
    for round in 0..6 {
        let (status, body) =
            http(a.port, "POST", "/api/v1/cases", &token, Some(&registration(&format!("Turn{round}")))).unwrap();
        assert_eq!(status, 201, "{body}");
        let path = format!("/api/v1/cases/{}/vulnerability-assessments", json_of(&body)["id"].as_str().unwrap());
        let requests = (0..8)
            .map(|n| (if n % 2 == 0 { a.port } else { b.port }, "POST", path.clone(), assessment.clone()))
            .collect();
        for (status, body) in at_once(&token, requests) {
            assert_eq!(status, 201, "round {round}: {body}");
        }
        let (_, body) = http(b.port, "GET", &path, &token, None).unwrap();
        assert_eq!(json_of(&body).as_array().map(Vec::len), Some(8), "every assessment is kept: {body}");
    }
}

#[test]
fn two_merges_of_one_pair_in_opposite_directions_at_once_end_in_one_merge() {
    // Each merge changes both cases. Were each to take its kept case first, the two would each
    // wait for the case the other holds until PostgreSQL broke one off as a failure (500).
    let Some((a, b, token, _)) = two_servers("hw_test_two_merges", &[]) else { return };
    for round in 0..6 {
        let ids: Vec<String> = ["A", "B"]
            .iter()
            .map(|side| {
                let (status, body) =
                    http(a.port, "POST", "/api/v1/cases", &token, Some(&registration(&format!("Twice{round}{side}"))))
                        .unwrap();
                assert_eq!(status, 201, "{body}");
                json_of(&body)["id"].as_str().unwrap().to_string()
            })
            .collect();
        let merges = [(a.port, 0, 1), (b.port, 1, 0)]
            .into_iter()
            .map(|(port, kept, merged)| {
                let body = json!({"merged_case": ids[merged], "version": 1, "merged_version": 1,
                    "reason": "the same person registered twice"});
                (port, "POST", format!("/api/v1/cases/{}/merge", ids[kept]), body.to_string())
            })
            .collect();
        let answers = at_once(&token, merges);
        let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
        assert!(
            statuses.contains(&200) && statuses.iter().all(|s| *s == 200 || *s == 409),
            "round {round}: one merge is made and the other refused as too late: {answers:?}"
        );
    }
}
