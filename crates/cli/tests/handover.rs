//! A handover between two Homeward installations (issue 17 §1): two servers on this machine,
//! Tripoli's (the host office) and Senegal's (the origin offices), each with its own database and
//! exchange key. Each registers the other's public key; Tripoli prepares and sends a handover
//! (refused without consent), downloads the signed and sealed file; Senegal refuses a tampered
//! copy and a file meant for another installation, takes the real one, accepts it (the case is
//! made with its number) and sends the receipt back, which Tripoli takes. Both audit logs hold
//! their side's steps.

mod server_support;

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};
use server_support::{Server, demo_database, text};

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

fn call(server: &Server, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string());
    let (status, answer) = server.request(method, path, token, body.as_deref()).unwrap();
    (status, serde_json::from_str(&answer).unwrap_or(Value::String(answer)))
}

/// Raw bytes over HTTP/1.1: the file's download and upload.
fn raw(server: &Server, method: &str, path: &str, token: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&answer[9..12]).parse().unwrap();
    let mut body = answer[split + 4..].to_vec();
    if String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    (status, body)
}

fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 2 + size + 2..];
    }
}

fn code(body: &Value) -> &str {
    body["fields"][0]["code"].as_str().unwrap_or("")
}

#[test]
fn a_case_is_handed_over_from_one_installation_to_another_as_a_signed_sealed_file() {
    let dir = tempfile::tempdir().unwrap();
    let tripoli_url = format!("sqlite://{}", dir.path().join("tripoli.db").display());
    let senegal_url = format!("sqlite://{}", dir.path().join("senegal.db").display());
    let third_url = format!("sqlite://{}", dir.path().join("mali.db").display());
    let (t_token, s_token, m_token) =
        (demo_database(&tripoli_url, 3), demo_database(&senegal_url, 3), demo_database(&third_url, 3));
    let (tripoli, senegal, mali) =
        (Server::start(&tripoli_url), Server::start(&senegal_url), Server::start(&third_url));

    // The administrators exchange public keys and compare fingerprints by phone.
    let (_, t_key) = call(&tripoli, "GET", "/api/v1/installation", &t_token, None);
    let (_, s_key) = call(&senegal, "GET", "/api/v1/installation", &s_token, None);
    let (_, m_key) = call(&mali, "GET", "/api/v1/installation", &m_token, None);
    assert!(
        t_key["fingerprint"] != s_key["fingerprint"] && s_key["fingerprint"] != m_key["fingerprint"],
        "one key per installation"
    );
    let (status, registered) = call(
        &tripoli,
        "POST",
        "/api/v1/installations",
        &t_token,
        Some(json!({"name": "IOM Senegal", "public_key": s_key["public_key"]})),
    );
    assert_eq!((status, &registered["fingerprint"]), (201, &s_key["fingerprint"]), "{registered}");
    let (status, _) = call(
        &senegal,
        "POST",
        "/api/v1/installations",
        &s_token,
        Some(json!({"name": "IOM Libya", "public_key": t_key["public_key"]})),
    );
    assert_eq!(status, 201);
    let (status, _) = call(
        &mali,
        "POST",
        "/api/v1/installations",
        &m_token,
        Some(json!({"name": "IOM Libya", "public_key": t_key["public_key"]})),
    );
    assert_eq!(status, 201);
    // At Tripoli, Dakar is an office of the Senegal installation.
    let dakar = json!({"version": 1, "office": {"name": "dakar", "country": "SN", "role": "origin", "installation": "IOM Senegal"}});
    let (status, body) = call(&tripoli, "PUT", "/api/v1/offices/dakar", &t_token, Some(dakar));
    assert_eq!(status, 200, "{body}");

    // Tripoli: a returnee counselled before departure; no handover without consent.
    let registration = json!({"given_name": "Fatoumata", "family_name": "Kane", "sex": "female", "date_of_birth": "1993-05-06",
        "date_of_return": "2027-02-01", "country_of_origin": "SN", "office": "tripoli",
        "profile": {"contacts": ["+218 91 555 0101"], "host_country": "LY"}});
    let (status, case) = call(
        &tripoli,
        "POST",
        "/api/v1/cases/confirmed",
        &t_token,
        Some(json!({"registration": registration, "not_duplicates": []})),
    );
    assert_eq!(status, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_string();
    let prepare = format!("/api/v1/cases/{case_id}/handovers");
    let (status, body) = call(&tripoli, "POST", &prepare, &t_token, Some(json!({"to_office": "dakar"})));
    assert_eq!((status, code(&body)), (422, "no_covering_consent"), "{body}");
    let consent =
        json!({"purpose": "share_with_country_of_origin", "method": "written_in_person", "given_on": "2026-11-20"});
    let (status, _) = call(&tripoli, "POST", &format!("/api/v1/cases/{case_id}/consents"), &t_token, Some(consent));
    assert_eq!(status, 201);
    let (status, prepared) = call(&tripoli, "POST", &prepare, &t_token, Some(json!({"to_office": "dakar"})));
    assert_eq!((status, prepared["remote_installation"].as_str()), (201, Some("IOM Senegal")), "{prepared}");
    let handover = prepared["id"].as_str().unwrap().to_string();
    let (status, sent) = call(
        &tripoli,
        "POST",
        &format!("/api/v1/handovers/{handover}/moves"),
        &t_token,
        Some(json!({"action": "send", "version": 1})),
    );
    assert_eq!((status, sent["state"].as_str()), (200, Some("sent")), "{sent}");
    assert!(!sent["allowed_actions"].to_string().contains("accept"), "Senegal decides, not Tripoli: {sent}");
    let (status, file) = raw(&tripoli, "GET", &format!("/api/v1/handovers/{handover}/file"), &t_token, b"");
    assert_eq!(status, 200, "{}", text(&file));
    assert!(!text(&file).contains("Fatoumata") && !text(&file).contains("555 0101"), "the file is sealed");

    // Senegal refuses a changed copy, and Mali a file that is not for it.
    let mut changed: Value = serde_json::from_slice(&file).unwrap();
    let body = changed["body"].as_str().unwrap().to_string();
    changed["body"] = Value::String(format!("{}{}", if body.starts_with('A') { "B" } else { "A" }, &body[1..]));
    let (status, refused) =
        raw(&senegal, "POST", "/api/v1/handovers/files", &s_token, &serde_json::to_vec(&changed).unwrap());
    assert_eq!((status, code(&json(&text(&refused)))), (422, "file_tampered"), "{}", text(&refused));
    let (status, refused) = raw(&mali, "POST", "/api/v1/handovers/files", &m_token, &file);
    assert_eq!((status, code(&json(&text(&refused)))), (422, "file_for_another_installation"), "{}", text(&refused));
    let (status, refused) = raw(&tripoli, "POST", "/api/v1/handovers/files", &t_token, &file);
    assert_eq!(status, 422, "not even the sender opens it: {}", text(&refused));

    // Senegal takes it in, reads the packet, accepts: the case is made with its number.
    let (status, received) = raw(&senegal, "POST", "/api/v1/handovers/files", &s_token, &file);
    let received = json(&text(&received));
    assert_eq!(
        (status, received["state"].as_str(), received["received"].as_bool()),
        (200, Some("sent"), Some(true)),
        "{received}"
    );
    assert_eq!(received["packet"]["given_name"], "Fatoumata");
    let (_, again) = raw(&senegal, "POST", "/api/v1/handovers/files", &s_token, &file);
    assert_eq!(json(&text(&again))["id"], received["id"], "the same file twice is one handover");
    let incoming = received["id"].as_str().unwrap();
    let (status, accepted) = call(
        &senegal,
        "POST",
        &format!("/api/v1/handovers/{incoming}/moves"),
        &s_token,
        Some(json!({"action": "accept", "version": received["version"]})),
    );
    assert_eq!((status, accepted["state"].as_str()), (200, Some("accepted")), "{accepted}");
    let new_case = accepted["case_id"].as_str().unwrap();
    let (_, made) = call(&senegal, "GET", &format!("/api/v1/cases/{new_case}"), &s_token, None);
    assert_eq!(
        (made["case_number"].as_str(), made["office"].as_str()),
        (case["case_number"].as_str(), Some("dakar")),
        "{made}"
    );
    assert_eq!(made["profile"]["contacts"], json!(["+218 91 555 0101"]));

    // The receipt goes back; Tripoli's handover is accepted, by whom and where.
    let (status, receipt) = raw(&senegal, "GET", &format!("/api/v1/handovers/{incoming}/file"), &s_token, b"");
    assert_eq!(status, 200, "{}", text(&receipt));
    let (status, closed) = raw(&tripoli, "POST", "/api/v1/handovers/files", &t_token, &receipt);
    let closed = json(&text(&closed));
    assert_eq!((status, closed["state"].as_str()), (200, Some("accepted")), "{closed}");
    assert_eq!(closed["decided_by"], "demo (IOM Senegal)");

    // Each side's audit log holds its steps.
    let (_, t_log) = call(&tripoli, "GET", &format!("/api/v1/cases/{case_id}/audit"), &t_token, None);
    let t_steps: Vec<&str> = t_log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "handover")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for step in ["prepare", "send", "export", "import"] {
        assert!(t_steps.contains(&step), "Tripoli's log has {step}: {t_steps:?}");
    }
    let (_, s_log) = call(&senegal, "GET", &format!("/api/v1/cases/{new_case}/audit"), &s_token, None);
    let s_steps: Vec<&str> = s_log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for step in ["accept", "handover_in", "export"] {
        assert!(s_steps.contains(&step), "Senegal's log has {step}: {s_steps:?}");
    }
}
