//! Data at rest (issue 17 §3): a returnee's name, phone number, address, notes and documents are
//! nowhere in clear in the database file, its write-ahead log or its backup as the plain `sqlite3`
//! client reads them, nor in PostgreSQL as `pg_dump` writes it; search still finds the returnee;
//! `homeward admin rotate-key` seals everything again under a new key, and an older backup still
//! opens with the rotated key file; without the key file the server refuses to start.

mod server_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use server_support::{Server, data_key_file, homeward_own_keys as homeward, postgres_admin, postgres_database, text};

/// What must never be read in clear at rest, and is read through the API.
const SECRETS: &[&str] = &[
    "Zainabou",
    "Quetzalcoatl",
    "77 987 65 43",
    "Rue Kermel-Xyz",
    "Insulinotherapie quotidienne",
    "Cauchemars recurrents",
    "Ousmane Quetzal",
    "Quetzalcoatl-passport",
    "PASSPORT OF ZAINABOU",
];

/// Registers the returnee with the secrets in their profile, notes, household and a document;
/// their case id.
fn returnee_with_secrets(server: &Server, token: &str) -> String {
    let registration = r#"{"given_name": "Zainabou", "family_name": "Quetzalcoatl", "sex": "female",
        "date_of_birth": "1994-03-12", "date_of_return": "2026-02-01", "country_of_origin": "SN", "office": "dakar",
        "profile": {"contacts": ["+221 77 987 65 43"], "address": "Rue Kermel-Xyz"}}"#;
    let (status, body) = server
        .request(
            "POST",
            "/api/v1/cases/confirmed",
            token,
            Some(&format!(r#"{{"registration": {registration}, "not_duplicates": []}}"#)),
        )
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let case: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = case["id"].as_str().unwrap().to_string();
    for (path, record) in [
        ("sensitive-notes", r#"{"section": "health", "date": "2026-02-02", "text": "Insulinotherapie quotidienne"}"#),
        (
            "counselling-sessions",
            r#"{"date": "2026-02-03", "mode": "in_person", "counsellor": "demo", "notes": "Cauchemars recurrents"}"#,
        ),
        (
            "household-members",
            r#"{"name": "Ousmane Quetzal", "relation": "brother", "sex": "male", "age": 30, "co_beneficiary": false, "recorded_on": "2026-02-03"}"#,
        ),
    ] {
        let (status, body) =
            server.request("POST", &format!("/api/v1/cases/{id}/{path}"), token, Some(record)).unwrap();
        assert_eq!(status, 201, "{path}: {body}");
    }
    let pdf = b"%PDF-1.4\n(PASSPORT OF ZAINABOU QUETZALCOATL)\n%%EOF\n";
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "POST /api/v1/cases/{id}/documents?kind=id_document&file_name=Quetzalcoatl-passport.pdf HTTP/1.1\r\n\
         Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/pdf\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        pdf.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(pdf).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    // The secrets are there to read, for those who may.
    let (_, read) = server.request("GET", &format!("/api/v1/cases/{id}"), token, None).unwrap();
    assert!(read.contains("Zainabou") && read.contains("+221 77 987 65 43"), "{read}");
    id
}

/// Every secret that `what` shows in clear.
fn clear_in(what: &[u8]) -> Vec<&'static str> {
    SECRETS.iter().copied().filter(|s| what.windows(s.len()).any(|w| w == s.as_bytes())).collect()
}

fn sqlite_dump(file: &std::path::Path) -> Vec<u8> {
    let out = Command::new("sqlite3").arg(file).arg(".dump").output().expect("the sqlite3 client runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.len() > 10_000, "a whole dump");
    out.stdout
}

fn demo_database(url: &str, cases: usize) -> String {
    server_support::demo_database_with(url, cases, homeward)
}

fn found(server: &Server, token: &str, words: &str) -> usize {
    let (status, body) = server.request("GET", &format!("/api/v1/cases?q={words}"), token, None).unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"].as_array().unwrap().len()
}

#[test]
fn no_name_phone_note_or_document_is_in_clear_in_the_sqlite_file_its_log_or_its_backup() {
    if Command::new("sqlite3").arg("--version").output().is_err() {
        return homeward_test_support::skip("the sqlite3 client");
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("homeward.db");
    let url = format!("sqlite://{}", db.display());
    let token = demo_database(&url, 6);
    let mut server = Server::start_own_keys(&url);
    let case = returnee_with_secrets(&server, &token);
    assert_eq!(found(&server, &token, "zaina"), 1, "search by the beginning of a name still works");
    assert_eq!(found(&server, &token, "quetzalcoatl%20zainabou"), 1);
    assert_eq!(found(&server, &token, "zzqx"), 0);
    server.kill();

    // The file and its log as they lie on disk, and as the plain client reads them.
    for file in [db.clone(), dir.path().join("homeward.db-wal")] {
        if let Ok(bytes) = std::fs::read(&file) {
            assert_eq!(clear_in(&bytes), Vec::<&str>::new(), "{}", file.display());
        }
    }
    assert_eq!(clear_in(&sqlite_dump(&db)), Vec::<&str>::new(), "sqlite3 .dump");
    let backup = dir.path().join("backup.db");
    let out = homeward(&["backup", "--database", &url, "--output", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("data key"), "the backup says to keep the data key: {}", text(&out.stdout));
    assert_eq!(clear_in(&std::fs::read(&backup).unwrap()), Vec::<&str>::new(), "the backup file");
    assert_eq!(clear_in(&sqlite_dump(&backup)), Vec::<&str>::new(), "sqlite3 .dump of the backup");
    let dump = text(&sqlite_dump(&db));
    assert!(dump.contains("hw1:d1:"), "values are sealed under the first key");

    // A rotation: everything sealed again under a new key; the returnee reads and is found.
    let out = homeward(&["admin", "rotate-key", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Data key d2 seals from now on"), "{}", text(&out.stdout));
    let dump = text(&sqlite_dump(&db));
    assert!(dump.contains("hw1:d2:") && !dump.contains("hw1:d1:"), "nothing is left under the old key");
    assert_eq!(clear_in(dump.as_bytes()), Vec::<&str>::new());
    let keys = std::fs::read_to_string(data_key_file(&["--database", &url])).unwrap();
    assert!(keys.contains("\nd1 ") && keys.contains("\nd2 "), "the old key stays to open older backups");
    let server = Server::start_own_keys(&url);
    let (status, read) = server.request("GET", &format!("/api/v1/cases/{case}"), &token, None).unwrap();
    assert!(status == 200 && read.contains("Rue Kermel-Xyz"), "{read}");
    assert_eq!(found(&server, &token, "zaina"), 1, "search terms hashed with the new search key");
    drop(server);

    // The backup taken before the rotation opens with the rotated key file.
    let restored = dir.path().join("restored.db");
    std::fs::copy(data_key_file(&["--database", &url]), format!("{}.data-key", restored.display())).unwrap();
    std::fs::copy(format!("{}.audit-key", db.display()), format!("{}.audit-key", restored.display())).unwrap();
    let restored_url = format!("sqlite://{}", restored.display());
    let out = homeward(&["restore", "--database", &restored_url, "--input", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let server = Server::start_own_keys(&restored_url);
    let (_, read) = server.request("GET", &format!("/api/v1/cases/{case}"), &token, None).unwrap();
    assert!(read.contains("Zainabou"), "{read}");
    drop(server);

    // Without its key file, a database with sealed values is not opened: new keys could open none.
    std::fs::remove_file(format!("{}.data-key", restored.display())).unwrap();
    let out = homeward(&["admin", "check", "--database", &restored_url]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is missing, but the database holds values sealed with it"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn no_name_phone_note_or_document_is_in_clear_in_what_pg_dump_writes() {
    let Some(admin) = postgres_admin() else { return };
    let url = postgres_database(&admin, "hw_test_at_rest");
    let token = demo_database(&url, 3);
    let server = Server::start_own_keys(&url);
    returnee_with_secrets(&server, &token);
    assert_eq!(found(&server, &token, "quetzal"), 1);
    drop(server);
    let out = Command::new("pg_dump").arg("--dbname").arg(&url).output().expect("pg_dump runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.len() > 10_000, "a whole dump");
    assert_eq!(clear_in(&out.stdout), Vec::<&str>::new(), "pg_dump");
}
