//! Programme settings at run time: a settings folder read at start-up (an official-looking
//! scoring profile, a minimum cell), new surveys scored under it, and rescoring that adds results
//! under another profile while the old ones remain; a folder with a mistake stops the server
//! with the file and the item named.

mod server_support;

use std::process::{Command, Stdio};

use server_support::{Server, demo_database, homeward, key_file, text};

/// The provisional profile's text under another name and status (the values as they are).
fn profile(name: &str, status: &str) -> String {
    homeward_rss::builtin::PROVISIONAL_PROFILE_TOML
        .replace("name = \"rss-provisional-1\"", &format!("name = \"{name}\""))
        .replace("status = \"provisional\"", &format!("status = \"{status}\""))
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn stored(programme: &serde_json::Value, name: &str) -> Option<i64> {
    programme["stored_profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["profile"] == name)
        .and_then(|p| p["surveys"].as_i64())
}

#[test]
fn a_settings_folder_sets_the_profile_new_surveys_are_scored_under_and_a_rescore_keeps_the_old_results() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("programme.db").display());
    let token = demo_database(&url, 12);
    let folder = dir.path().join("settings");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("rss-profile.toml"), profile("iom-rss-official-test", "official")).unwrap();
    std::fs::write(folder.join("settings.toml"), "min_cell = 7\n").unwrap();

    let mut command = Command::new(env!("CARGO_BIN_EXE_homeward"));
    command
        .args(["serve", "--database", &url, "--listen", "127.0.0.1:0", "--settings"])
        .arg(&folder)
        .env("HOMEWARD_AUDIT_KEY_FILE", key_file(&["--database", &url]))
        .env("HOMEWARD_DATA_KEY", server_support::shared_data_keys())
        .env("HOMEWARD_LOG", "warn")
        .stderr(Stdio::inherit());
    let server = Server::spawn(command);
    let (status, body) = server.request("GET", "/api/v1/programme", &token, None).unwrap();
    assert_eq!(status, 200, "{body}");
    let programme = json(&body);
    assert_eq!(
        (programme["profile"].as_str(), programme["profile_status"].as_str()),
        (Some("iom-rss-official-test"), Some("official"))
    );
    let files = programme["files"].as_array().unwrap();
    let file = |setting: &str| files.iter().find(|f| f["setting"] == setting).unwrap().clone();
    assert!(file("rss_profile")["source"].as_str().unwrap().ends_with("rss-profile.toml"));
    assert_eq!(file("feasibility_grid")["source"], "bundled");
    assert!(file("settings")["summary"].as_str().unwrap().contains("minimum cell 7"));
    let surveys = programme["surveys"].as_i64().unwrap();
    assert!(surveys > 0 && stored(&programme, "rss-provisional-1") == Some(surveys), "{programme}");
    assert_eq!(stored(&programme, "iom-rss-official-test"), None);

    // A new survey is scored under the profile in force.
    let (_, cases) = server.request("GET", "/api/v1/cases?limit=1", &token, None).unwrap();
    let case = json(&cases)["items"][0]["id"].as_str().unwrap().to_string();
    let answers: serde_json::Map<String, serde_json::Value> =
        homeward_test_support::BEST_ANSWERS.iter().map(|(q, a)| (q.to_string(), (*a).into())).collect();
    let survey = serde_json::json!({"phase": "ad_hoc", "date": "2026-11-01", "consent": "yes", "answers": answers});
    let (status, body) =
        server.request("POST", &format!("/api/v1/cases/{case}/surveys"), &token, Some(&survey.to_string())).unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(json(&body)["profile"], "iom-rss-official-test", "{body}");

    // The stored surveys get a result under it too; those under the provisional profile remain.
    let (status, body) = server.request("POST", "/api/v1/programme/rescore", &token, None).unwrap();
    assert_eq!(status, 200, "{body}");
    let report = json(&body);
    let added = report["scored"].as_i64().unwrap()
        + report["discarded"].as_i64().unwrap()
        + report["invalid"].as_i64().unwrap();
    assert_eq!((added, report["kept"].as_i64()), (surveys, Some(1)), "{report}");
    let (_, body) = server.request("GET", "/api/v1/programme", &token, None).unwrap();
    let programme = json(&body);
    assert_eq!(stored(&programme, "iom-rss-official-test"), Some(surveys + 1));
    assert_eq!(stored(&programme, "rss-provisional-1"), Some(surveys), "the old results remain");
    // The analyses run under the profile in force, or the provisional one kept, as asked.
    let period = "measure=composite&from=2020-01-01&to=2026-12-31&min_cell=1";
    let (_, body) = server.request("GET", &format!("/api/v1/analyses/change?{period}"), &token, None).unwrap();
    assert_eq!(json(&body)["profile"], "iom-rss-official-test", "{body}");
    let (_, body) = server
        .request("GET", &format!("/api/v1/analyses/change?{period}&profile=rss-provisional-1"), &token, None)
        .unwrap();
    assert_eq!(
        (json(&body)["profile"].as_str(), json(&body)["profile_status"].as_str()),
        (Some("rss-provisional-1"), Some("provisional"))
    );
    let (status, body) =
        server.request("GET", &format!("/api/v1/analyses/summary?{period}&profile=made-up"), &token, None).unwrap();
    assert_eq!((status, json(&body)["fields"][0]["field"].as_str()), (422, Some("profile")), "{body}");
    drop(server);

    // The retention purge, dry: the demo's cases closed lately keep everything.
    let out = homeward(&["admin", "purge", "--dry-run", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.starts_with("Retention policy: Homeward defaults") && said.contains("to purge, 0 held."), "{said}");

    // From the command line, under yet another profile; a second run adds nothing.
    let custom = dir.path().join("custom.toml");
    std::fs::write(&custom, profile("programme-custom-test", "custom")).unwrap();
    let custom = custom.to_string_lossy().into_owned();
    let out = homeward(&["rss", "rescore", "--profile", &custom, "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("custom: not IOM's official scoring"), "{said}");
    assert!(said.contains(&format!("{} surveys given a result under programme-custom-test", surveys + 1)), "{said}");
    let again = text(&homeward(&["rss", "rescore", "--profile", &custom, "--database", &url]).stdout);
    assert!(again.contains(&format!("0 surveys given a result under programme-custom-test: 0 scored, 0 discarded, 0 invalid; {} already had one, kept.", surveys + 1)), "{again}");
}

#[test]
fn a_settings_folder_with_a_mistake_stops_the_server_naming_the_file_and_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("refused.db").display());
    let folder = dir.path().join("settings");
    std::fs::create_dir(&folder).unwrap();
    let framework =
        std::fs::read_to_string(homeward_test_support::workspace_root().join("data/programme/results-framework.toml"))
            .unwrap();
    std::fs::write(folder.join("results-framework.toml"), framework.replace("target = 0.6", "target = 60")).unwrap();
    let folder_text = folder.to_string_lossy().into_owned();
    let out = homeward(&["serve", "--database", &url, "--listen", "127.0.0.1:0", "--settings", &folder_text]);
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(said.contains("results-framework.toml") && said.contains("its target is a share, from 0 to 1"), "{said}");
    let missing = dir.path().join("no-such-folder").to_string_lossy().into_owned();
    let out = homeward(&["serve", "--database", &url, "--listen", "127.0.0.1:0", "--settings", &missing]);
    assert!(!out.status.success() && text(&out.stderr).contains("is not a folder"), "{}", text(&out.stderr));
    std::fs::write(folder.join("results-framework.toml"), framework).unwrap();
    std::fs::write(folder.join("settings.toml"), "min_cells = 7\n").unwrap();
    let out = homeward(&["serve", "--database", &url, "--listen", "127.0.0.1:0", "--settings", &folder_text]);
    let said = text(&out.stderr);
    assert!(!out.status.success() && said.contains("settings.toml") && said.contains("min_cells"), "{said}");
}
