//! Runs the `homeward` binary: its commands, and `homeward serve` as a process that the tests
//! talk HTTP/1.1 to over a plain socket, as any client would.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// Runs the binary on the data keys of this test process (`HOMEWARD_DATA_KEY`), so the test can
/// read what the binary wrote.
pub fn homeward(args: &[&str]) -> Output {
    let mut command = own_keys(args);
    command.env("HOMEWARD_DATA_KEY", shared_data_keys());
    command.output().expect("binary runs")
}

/// Runs the binary on the data key file of the database in `args` (made on first use).
pub fn homeward_own_keys(args: &[&str]) -> Output {
    own_keys(args).output().expect("binary runs")
}

fn own_keys(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_homeward"));
    command
        .args(args)
        .env("HOMEWARD_AUDIT_KEY_FILE", key_file(args))
        .env("HOMEWARD_DATA_KEY_FILE", data_key_file(args))
        .env("HOMEWARD_EXCHANGE_KEY_FILE", exchange_key_file(args))
        .env_remove("HOMEWARD_DATA_KEY");
    command
}

/// The text of this test process's data keys (random, see `homeward_store::cipher::ring`).
pub fn shared_data_keys() -> String {
    homeward_store::cipher::ring().expect("test keys").to_text()
}

/// Where the audit key of the database in `args` is kept: beside an SQLite file, as by default;
/// for PostgreSQL, in the temporary directory rather than the working directory (the crate).
pub fn key_file(args: &[&str]) -> std::path::PathBuf {
    key_file_ending(args, "audit-key")
}

/// A key file of the database in `args`: `PATH.ending` beside an SQLite file; for PostgreSQL,
/// `homeward-tests-postgres.ending` in the temporary directory.
fn key_file_ending(args: &[&str], ending: &str) -> std::path::PathBuf {
    let url = args.iter().position(|a| *a == "--database").and_then(|i| args.get(i + 1)).copied().unwrap_or("");
    match url.strip_prefix("sqlite://") {
        Some(path) => format!("{path}.{ending}").into(),
        None => std::env::temp_dir().join(format!("homeward-tests-postgres.{ending}")),
    }
}

/// Where the data keys of the database in `args` are kept: beside an SQLite file, as by default;
/// for PostgreSQL, one file in the temporary directory for every test database (each made empty,
/// so the first test's keys serve them all).
pub fn data_key_file(args: &[&str]) -> std::path::PathBuf {
    key_file_ending(args, "data-key")
}

/// Where the exchange key of the database in `args` is kept: beside an SQLite file; for
/// PostgreSQL, in the temporary directory.
pub fn exchange_key_file(args: &[&str]) -> std::path::PathBuf {
    key_file_ending(args, "exchange-key")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The demo data in `url` (a few cases) and a token of its admin.
pub fn demo_database(url: &str, cases: usize) -> String {
    demo_database_with(url, cases, homeward)
}

/// [`demo_database`], the binary run by `run` ([`homeward`] or [`homeward_own_keys`]).
pub fn demo_database_with(url: &str, cases: usize, run: fn(&[&str]) -> Output) -> String {
    let out = run(&["demo", "--database", url, "--cases", &cases.to_string(), "--no-serve"]);
    assert!(out.status.success(), "demo failed: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("API token for it: ")).expect("the demo prints a token");
    line.trim_start_matches("API token for it: ").trim().to_string()
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    /// Starts `homeward serve` on a free port, on this test process's data keys, and waits until
    /// it listens.
    pub fn start(database: &str) -> Server {
        Server::start_with(database, Some(shared_data_keys()))
    }

    /// Starts `homeward serve` on the data key file of `database`.
    pub fn start_own_keys(database: &str) -> Server {
        Server::start_with(database, None)
    }

    /// Starts `homeward serve` on this test process's data keys with more variables set.
    pub fn start_with_env(database: &str, env: &[(&str, &str)]) -> Server {
        let mut command = Server::command(database, Some(shared_data_keys()));
        command.envs(env.iter().copied());
        Server::spawn(command)
    }

    fn start_with(database: &str, keys: Option<String>) -> Server {
        Server::spawn(Server::command(database, keys))
    }

    fn command(database: &str, keys: Option<String>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_homeward"));
        match keys {
            Some(keys) => command.env("HOMEWARD_DATA_KEY", keys),
            None => command.env_remove("HOMEWARD_DATA_KEY"),
        };
        // Requests are not logged here: a failing test's output should show the failure.
        command
            .args(["serve", "--database", database, "--listen", "127.0.0.1:0"])
            .env("HOMEWARD_AUDIT_KEY_FILE", key_file(&["--database", database]))
            .env("HOMEWARD_DATA_KEY_FILE", data_key_file(&["--database", database]))
            .env("HOMEWARD_EXCHANGE_KEY_FILE", exchange_key_file(&["--database", database]))
            .env("HOMEWARD_LOG", "warn")
            .stderr(Stdio::inherit());
        command
    }

    /// Starts `command` (a `homeward serve` configured by the caller) and waits until it listens.
    pub fn spawn(mut command: Command) -> Server {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("serve prints where it listens").unwrap();
        let port = first
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first}"));
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, port }
    }

    /// `kill -9`: no shutdown, no flush, no checkpoint.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), std::io::Error> {
        http(self.port, method, path, token, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on its own connection; the status and the body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Result<(u16, String), std::io::Error> {
    http_with(port, method, path, &[("Authorization", &format!("Bearer {token}"))], body)
}

/// [`http`] with the request's own headers besides `Host`, `Content-Type` and `Content-Length`.
pub fn http_with(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<(u16, String), std::io::Error> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    let headers: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {response:?}")))?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

#[allow(unused_imports)] // each test binary uses a part of this module
pub use homeward_test_support::postgres_admin;

/// A fresh database on the test cluster, created with `psql`-free SQL through the binary's
/// own dependencies: `CREATE DATABASE` through a throw-away store.
pub fn postgres_database(admin: &str, name: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = homeward_store::Store::connect(admin).await.unwrap();
        store.execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
        store.execute_admin(&format!("CREATE DATABASE {name}")).await.unwrap();
        store.close().await;
    });
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}
