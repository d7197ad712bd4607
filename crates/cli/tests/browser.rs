//! The web app in a real Chromium: runs `tests/browser/*.test.mjs` (node's test runner,
//! playwright-core, axe-core; installed by ./scripts/test) against `homeward serve` on a demo
//! database. Screenshots of the main pages land in target/screenshots/.

mod server_support;

use std::process::Command;

use homeward_test_support::workspace_root;
use server_support::{Server, demo_database, text};

#[test]
fn the_web_app_works_in_chromium_in_english_and_french_and_passes_axe() {
    let Some(chromium) = homeward_test_support::chromium() else { return };
    let root = workspace_root();
    let browser_tests = root.join("tests/browser");

    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("browser.db").display());
    demo_database(&database, 30);
    let server = Server::start(&database);
    let out = Command::new("node")
        .current_dir(&browser_tests)
        .args(["--test", "--test-reporter=spec", "walk.test.mjs"])
        .env("HOMEWARD_URL", format!("http://127.0.0.1:{}", server.port))
        .env("HOMEWARD_PASSWORD", "homeward-demo")
        .env("HOMEWARD_CHROMIUM", &chromium)
        .env("HOMEWARD_SCREENSHOTS", root.join("target/screenshots"))
        .output()
        .expect("node runs (./scripts/test installs it)");
    let report = format!("{}\n{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "the browser tests failed:\n{report}");
    assert!(report.contains("# fail 0") || report.contains("ℹ fail 0"), "{report}");
    for shot in ["sign-in", "caseload", "case", "caseload-fr"] {
        assert!(root.join(format!("target/screenshots/{shot}.png")).exists(), "screenshot {shot}");
    }
}
