//! Documents: a case's and its records' files, their type found from their content (a page sent
//! as a photo is refused), read under the section of the record they belong to and only by roles
//! that see identities, every addition, download and removal audited; kept in the database or in
//! a directory (sealed either way), checked against their checksum when read back. Both backends.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{TestApp, id};
use tower::ServiceExt;

on_both_backends!(
    documents_are_read_under_the_rules_of_their_section_and_role_and_every_access_is_audited,
    a_document_whose_content_is_not_what_it_claims_is_refused_naming_the_file,
    a_removed_document_keeps_who_removed_it_and_why_but_not_its_content
);

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
pub const JPEG: &[u8] =
    &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9];

/// Sends `bytes` as a document; `query` says its kind, name and record.
async fn upload(
    t: &TestApp,
    token: &str,
    case: &str,
    query: &str,
    declared: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    upload_with_key(t, token, case, query, declared, bytes, None).await
}

async fn upload_with_key(
    t: &TestApp,
    token: &str,
    case: &str,
    query: &str,
    declared: &str,
    bytes: &[u8],
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::post(format!("/api/v1/cases/{case}/documents?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, declared);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    t.send(request.body(Body::from(bytes.to_vec())).unwrap()).await
}

/// A document's content with the answer's headers.
async fn download(t: &TestApp, token: &str, document: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::get(format!("/api/v1/documents/{document}/content"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = t.app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap().to_vec();
    (status, headers, bytes)
}

fn code(body: &Value) -> (&str, &str) {
    (body["fields"][0]["field"].as_str().unwrap_or(""), body["fields"][0]["code"].as_str().unwrap_or(""))
}

async fn documents_are_read_under_the_rules_of_their_section_and_role_and_every_access_is_audited(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let nurse = t.user("nurse", "case_manager", Some("dakar"), "health").await;
    let counsellor = t.user("counsellor", "counsellor", Some("dakar"), "").await;
    let me = t.user("me", "me_officer", Some("dakar"), "").await;
    let elsewhere = t.user("thies", "case_manager", Some("thies"), "").await;
    let case = id(&t.register(&cm, "Awa", "Ba", "dakar").await);

    // A case manager adds a scan of the passport to the case.
    let (status, passport) =
        upload(t, &cm, &case, "kind=id_document&file_name=passport.pdf", "application/pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{passport}");
    assert_eq!(passport["file_type"], "application/pdf");
    assert_eq!(passport["size_bytes"], PDF.len());
    assert_eq!(passport["sha256"], homeward_store::sha256_hex(PDF));
    assert_eq!(passport["section"], Value::Null);

    // A nurse keeps a photo of a prescription with a health note: it takes the note's section.
    let notes = format!("/api/v1/cases/{case}/sensitive-notes");
    let (_, note) = t.post(&nurse, &notes, json!({"section": "health", "date": "2026-02-02", "text": "Insulin"})).await;
    let query = format!("kind=other&file_name=prescription.jpg&record_id={}", id(&note));
    let (status, prescription) = upload(t, &nurse, &case, &query, "image/jpeg", JPEG).await;
    assert_eq!(status, StatusCode::CREATED, "{prescription}");
    assert_eq!(
        (prescription["section"].as_str(), prescription["record_kind"].as_str()),
        (Some("health"), Some("sensitive_note"))
    );
    // Without the health grant, nobody adds to that note, even a case manager of the office.
    assert_eq!(upload(t, &cm, &case, &query, "image/jpeg", JPEG).await.0, StatusCode::FORBIDDEN);
    // A section can be chosen for a document of the case; one that is not the record's is refused.
    let (status, report) =
        upload(t, &nurse, &case, "kind=other&file_name=report.pdf&section=health", "application/pdf", PDF).await;
    assert_eq!((status, report["section"].as_str()), (StatusCode::CREATED, Some("health")));
    let wrong = format!("{query}&section=psychosocial");
    let (status, body) = upload(t, &nurse, &case, &wrong, "image/jpeg", JPEG).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("section", "section_of_record")));
    // A record of another case is not one of this case's.
    let other = id(&t.register(&cm, "Binta", "Diallo", "dakar").await);
    let (_, other_note) = t
        .post(
            &nurse,
            &format!("/api/v1/cases/{other}/sensitive-notes"),
            json!({"section": "health", "date": "2026-02-02", "text": "x"}),
        )
        .await;
    let foreign = format!("kind=other&file_name=a.jpg&record_id={}", id(&other_note));
    let (status, body) = upload(t, &nurse, &case, &foreign, "image/jpeg", JPEG).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("record_id", "no_such_record")));

    // The case manager sees the passport and that two restricted documents exist, not what they are.
    let list = format!("/api/v1/cases/{case}/documents");
    let (status, seen) = t.get(&cm, &list).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> =
        seen["documents"].as_array().unwrap().iter().map(|d| d["file_name"].as_str().unwrap()).collect();
    assert_eq!((names, seen["restricted"].as_u64()), (vec!["passport.pdf"], Some(2)));
    assert!(!seen.to_string().contains("prescription"), "{seen}");
    let (_, all) = t.get(&nurse, &list).await;
    assert_eq!((all["documents"].as_array().unwrap().len(), all["restricted"].as_u64()), (3, Some(0)));
    let health = id(&prescription);
    assert_eq!(t.get(&cm, &format!("/api/v1/documents/{health}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(download(t, &cm, &health).await.0, StatusCode::FORBIDDEN);

    // Documents identify the returnee: the M&E officer reads none; another office finds none.
    assert_eq!(t.get(&me, &list).await.0, StatusCode::FORBIDDEN);
    assert_eq!(download(t, &me, &id(&passport)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.get(&elsewhere, &list).await.0, StatusCode::NOT_FOUND);
    assert_eq!(download(t, &elsewhere, &id(&passport)).await.0, StatusCode::NOT_FOUND);
    // A counsellor reads documents but adds none to the case itself (that is editing the case).
    assert_eq!(t.get(&counsellor, &list).await.0, StatusCode::OK);
    let (status, _) = upload(t, &counsellor, &case, "kind=photo&file_name=a.jpg", "image/jpeg", JPEG).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // ...but adds a consent form to the consent they record.
    let (_, consent) = t
        .post(
            &counsellor,
            &format!("/api/v1/cases/{case}/consents"),
            json!({"purpose": "counselling", "method": "written_in_person", "given_on": "2026-01-20"}),
        )
        .await;
    let signed = format!("kind=consent&file_name=consent.pdf&record_id={}", id(&consent));
    assert_eq!(upload(t, &counsellor, &case, &signed, "application/pdf", PDF).await.0, StatusCode::CREATED);

    // The nurse downloads the prescription: the bytes as kept, as a file, never run as a page.
    let (status, headers, bytes) = download(t, &nurse, &health).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, JPEG));
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(
        headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"prescription.jpg\"")
    );
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("sandbox"));
    assert_eq!(headers["x-content-type-options"], "nosniff");

    // Every addition, listing, download and refusal is in the audit log.
    let (_, log) = t.get(&root, &format!("/api/v1/cases/{case}/audit")).await;
    let count = |action: &str, actor: &str| {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity"] == "document" && e["action"] == action && e["actor"] == actor)
            .count()
    };
    assert_eq!(count("create", "cm"), 1);
    assert_eq!(count("create", "nurse"), 2);
    assert_eq!(count("download", "nurse"), 1);
    assert_eq!(count("read", "cm"), 1, "the case manager's listing read the passport's description only");
    assert_eq!(count("read", "nurse"), 3);
    let denied = log.as_array().unwrap().iter().filter(|e| e["actor"] == "cm" && e["action"] == "denied").count();
    assert!(denied >= 2, "the case manager's refusals are recorded: {log}");

    // A phone that sends again after losing the answer gets the first document, not a second.
    let before = t.count("documents").await;
    let (s1, first) =
        upload_with_key(t, &cm, &case, "kind=photo&file_name=me.jpg", "image/jpeg", JPEG, Some("photo-1")).await;
    let (s2, again) =
        upload_with_key(t, &cm, &case, "kind=photo&file_name=me.jpg", "image/jpeg", JPEG, Some("photo-1")).await;
    assert_eq!((s1, s2, id(&first)), (StatusCode::CREATED, StatusCode::CREATED, id(&again)));
    assert_eq!(t.count("documents").await, before + 1);
}

async fn a_document_whose_content_is_not_what_it_claims_is_refused_naming_the_file(t: &TestApp) {
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let case = id(&t.register(&cm, "Awa", "Ba", "dakar").await);
    let page = b"<html><body><script>fetch('/api/v1/cases')</script></body></html>";
    let spoofs = [
        // A page named and sent as a photo.
        ("kind=photo&file_name=photo.jpg", "image/jpeg", &page[..], "file_type_not_taken"),
        ("kind=photo&file_name=photo.jpg", "application/octet-stream", &page[..], "file_type_not_taken"),
        // A PDF sent as a PNG, or named as one.
        ("kind=other&file_name=scan.pdf", "image/png", PDF, "file_type_mismatch"),
        ("kind=other&file_name=scan.png", "application/octet-stream", PDF, "file_type_mismatch"),
        ("kind=other&file_name=empty.pdf", "application/pdf", b"", "empty_file"),
    ];
    for (query, declared, bytes, expected) in spoofs {
        let (status, body) = upload(t, &cm, &case, query, declared, bytes).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("file", expected)),
            "{query} {declared}: {body}"
        );
    }
    // Over the deployment's limit (10 MB unless settings.toml says otherwise).
    let big = [PDF, &vec![b' '; 10 * 1024 * 1024]].concat();
    let (status, body) = upload(t, &cm, &case, "kind=other&file_name=big.pdf", "application/pdf", &big).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("file", "file_too_large")), "{body}");
    assert_eq!(body["fields"][0]["params"]["max_mb"], "10");
    // An unknown kind or a missing name is refused before anything is read.
    let (status, _) = upload(t, &cm, &case, "kind=selfie&file_name=a.jpg", "image/jpeg", JPEG).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = upload(t, &cm, &case, "kind=photo", "image/jpeg", JPEG).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(t.count("documents").await, 0, "nothing refused was kept");
    assert_eq!(t.count("document_contents").await, 0);
}

async fn a_removed_document_keeps_who_removed_it_and_why_but_not_its_content(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let counsellor = t.user("counsellor", "counsellor", Some("dakar"), "").await;
    let case = id(&t.register(&cm, "Awa", "Ba", "dakar").await);
    let (_, passport) = upload(t, &cm, &case, "kind=id_document&file_name=passport.pdf", "application/pdf", PDF).await;
    let removal = format!("/api/v1/documents/{}/removal", id(&passport));
    assert_eq!(t.post(&counsellor, &removal, json!({"reason": "x"})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = t.post(&cm, &removal, json!({"reason": "  "})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("reason", "required")));
    let (status, removed) = t.post(&cm, &removal, json!({"reason": "The passport of another returnee"})).await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["removed"]["by"], "cm");
    assert_eq!(removed["removed"]["reason"], "The passport of another returnee");
    assert_eq!(t.count("document_contents").await, 0, "the content is erased");
    assert_eq!(download(t, &cm, &id(&passport)).await.0, StatusCode::CONFLICT);
    assert_eq!(t.post(&cm, &removal, json!({"reason": "again"})).await.0, StatusCode::CONFLICT);
    let (_, list) = t.get(&cm, &format!("/api/v1/cases/{case}/documents")).await;
    assert_eq!(list["documents"][0]["removed"]["reason"], "The passport of another returnee");
    let (_, log) = t.get(&root, &format!("/api/v1/cases/{case}/audit")).await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity"] == "document" && e["action"] == "remove" && e["actor"] == "cm")
    );

    // A closed case is read only: no document is added to it or removed from it.
    let closure = json!({"date": "2026-03-01", "reason": "plan_completed", "choice": "voluntary", "timing": "planned"});
    let (status, closed) = t
        .post(
            &cm,
            &format!("/api/v1/cases/{case}/transitions"),
            json!({"action": "opt_out", "version": 1, "closure": closure}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let (status, body) = upload(t, &cm, &case, "kind=photo&file_name=a.jpg", "image/jpeg", JPEG).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_kept_in_a_directory_are_files_checked_against_their_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let storage =
        homeward_service::document_storage::DocumentStorage::directory(&dir.path().join("documents")).unwrap();
    let t = TestApp::sqlite().await.with_document_storage(storage);
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let case = id(&t.register(&cm, "Awa", "Ba", "dakar").await);
    let (status, kept) =
        upload(&t, &cm, &case, "kind=id_document&file_name=passport.pdf", "application/pdf", PDF).await;
    assert_eq!(
        (status, kept["storage"].as_str()),
        (StatusCode::CREATED, None),
        "where it is kept is not the reader's business"
    );
    let file = dir.path().join("documents").join(id(&kept));
    let on_disk = std::fs::read(&file).unwrap();
    assert!(on_disk.starts_with(b"HWS1") && !on_disk.windows(8).any(|w| w == b"/Catalog"), "the file is sealed");
    assert_eq!(t.count("document_contents").await, 0, "nothing in the database");
    assert_eq!(download(&t, &cm, &id(&kept)).await.2, PDF);
    // A file changed on disk is not served.
    std::fs::write(&file, b"%PDF-1.4 something else").unwrap();
    assert_eq!(download(&t, &cm, &id(&kept)).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    // A removal deletes the file.
    let removal = format!("/api/v1/documents/{}/removal", id(&kept));
    assert_eq!(t.post(&cm, &removal, json!({"reason": "Tampered with"})).await.0, StatusCode::OK);
    assert!(!file.exists());
    t.finish().await;
}

/// moto's S3 server from the oracles' venv, on a free port; killed when dropped.
struct Moto(std::process::Child, u16);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto() -> Option<Moto> {
    let python = homeward_test_support::python()?;
    let server = python.parent().unwrap().join("moto_server");
    if !server.exists() {
        homeward_test_support::skip("moto_server (scripts/requirements-test.txt)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let moto = Moto(
        std::process::Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server starts"),
        port,
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(moto);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("moto_server did not listen on {port}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_kept_in_an_s3_compatible_store_are_sealed_objects_read_back_and_deleted() {
    let Some(moto) = moto() else { return };
    let url = format!("http://127.0.0.1:{}/homeward-documents", moto.1);
    let store = homeward_service::s3::S3Config::new(&url, "us-east-1", "test-access", "test-secret").unwrap();
    store.ensure_bucket().await.unwrap();
    store.ensure_bucket().await.expect("a bucket that is there already is fine");
    let t = TestApp::sqlite()
        .await
        .with_document_storage(homeward_service::document_storage::DocumentStorage::S3(store.clone()));
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let case = id(&t.register(&cm, "Awa", "Ba", "dakar").await);
    let (status, kept) =
        upload(&t, &cm, &case, "kind=id_document&file_name=passport.pdf", "application/pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");
    let object = store.get(&id(&kept)).await.unwrap().expect("the object is in the store");
    assert!(object.starts_with(b"HWS1") && !object.windows(8).any(|w| w == b"/Catalog"), "the object is sealed");
    assert_eq!(t.count("document_contents").await, 0, "nothing in the database");
    assert_eq!(download(&t, &cm, &id(&kept)).await.2, PDF);
    let removal = format!("/api/v1/documents/{}/removal", id(&kept));
    assert_eq!(t.post(&cm, &removal, json!({"reason": "Wrong returnee"})).await.0, StatusCode::OK);
    assert_eq!(store.get(&id(&kept)).await.unwrap(), None, "a removal deletes the object");
    t.finish().await;
    drop(moto);
}
