//! `homeward admin`: bootstrap a deployment (users, tokens) and check the database.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use homeward_domain::Named;
use homeward_domain::access::Role;
use homeward_domain::account::NewAccount;
use homeward_service::users::{self, UserView};
use homeward_service::{Caller, ServiceError, Services, auth, session};

use crate::database::{DatabaseArg, block_on};

/// What `create-user` is given.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub role: &'a str,
    pub office: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub grants: &'a [String],
    pub language: &'a str,
    /// May refer without consent when life is at risk (handbook L7328-7330).
    pub emergency_sharing: bool,
}

pub fn create_user(database: &DatabaseArg, user: &NewUser<'_>) -> anyhow::Result<ExitCode> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let account = account_of(user, password)?;
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let saved = save_account(&services, &command_line(), account).await;
        services.close().await;
        let saved = saved?;
        println!("user {} ({}) saved", saved.username, saved.role.name());
        Ok(ExitCode::SUCCESS)
    })?
}

/// The acting user of command-line operations: audited as `cli:` and the system user who ran it.
pub fn command_line() -> Caller {
    let system_user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Caller::command_line(&system_user)
}

/// An account from the command's flags; a role or grant that does not exist is named by its flag.
pub fn account_of(user: &NewUser<'_>, password: &str) -> anyhow::Result<NewAccount> {
    let Some(role) = Role::from_name(user.role) else {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        bail!("--role '{}' is not a role; roles: {}", user.role, names.join(", "));
    };
    let grants = auth::parse_sections(&user.grants.join(",")).map_err(|e| anyhow::anyhow!("--grant: {e}"))?;
    Ok(NewAccount {
        username: user.username.trim().to_string(),
        password: password.to_string(),
        role,
        office: user.office.map(str::to_string),
        provider: user.provider.map(str::to_string),
        grants,
        language: user.language.to_string(),
        emergency_sharing: user.emergency_sharing,
    })
}

/// Creates or replaces the account through the accounts service (the API's rules and audit);
/// each problem is named by its flag.
pub async fn save_account(services: &Services, by: &Caller, account: NewAccount) -> anyhow::Result<UserView> {
    users::create_or_replace(services, by, account).await.map_err(|e| match e {
        ServiceError::Invalid(_, problems) => {
            let flag = |field: &str| match field {
                "password" => "the password (read from standard input)".to_string(),
                other => format!("--{other}"),
            };
            let lines: Vec<String> = problems.iter().map(|p| format!("{}: {}", flag(&p.field), p.message)).collect();
            anyhow::anyhow!("{}", lines.join("\n"))
        }
        other => anyhow::anyhow!("{other}"),
    })
}

pub fn create_token(database: &DatabaseArg, username: &str) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let token = issue_token(&services, username).await;
        services.close().await;
        println!("{}", token?);
        eprintln!("This token is shown once. Send it as `Authorization: Bearer TOKEN`.");
        Ok(ExitCode::SUCCESS)
    })?
}

/// `homeward admin create-office`: an office recorded as the command line (each problem named).
pub fn create_office(
    database: &DatabaseArg,
    name: &str,
    country: &str,
    role: &str,
    languages: &str,
    contact: &str,
) -> anyhow::Result<ExitCode> {
    let office = serde_json::json!({
        "name": name, "country": country, "role": role, "contact": contact,
        "languages": languages.split(',').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
    });
    let office: homeward_domain::office::Office = match serde_json::from_value(office) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let made = homeward_service::offices::create(&services, &command_line(), office).await;
        services.close().await;
        match made {
            Ok(o) => {
                println!("Office {} recorded ({}, {}).", o.name, o.country, homeward_domain::Named::name(o.role));
                Ok(ExitCode::SUCCESS)
            }
            Err(ServiceError::Invalid(_, problems)) => {
                for p in problems {
                    eprintln!("error: {}: {}", p.field, p.message);
                }
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    })?
}

/// A new token for an existing user, issued (and audited) as the command line.
pub async fn issue_token(services: &Services, username: &str) -> anyhow::Result<String> {
    session::issue_token(services, &command_line(), username).await.map_err(|e| match e {
        ServiceError::Invalid(_, problems) if problems.iter().any(|p| p.message.starts_with("there is no account")) => {
            anyhow::anyhow!("no user '{username}': create it first with `homeward admin create-user`")
        }
        other => anyhow::anyhow!("{other}"),
    })
}

/// `homeward admin unlock`: lifts the sign-in lock of an account, from every address.
pub fn unlock(database: &DatabaseArg, username: &str) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let cleared = users::unlock(&services, &command_line(), username).await;
        services.close().await;
        match cleared {
            Ok(n) => {
                let name = homeward_domain::account::username_key(username).unwrap_or_else(|_| username.to_string());
                println!("{name}: sign-in unlocked ({n} locked address(es) cleared)")
            }
            Err(ServiceError::NotFound) => anyhow::bail!("no user '{username}'"),
            Err(e) => anyhow::bail!("{e}"),
        }
        Ok(ExitCode::SUCCESS)
    })?
}

/// `homeward admin purge`: the retention policy applied to closed cases, as the command line.
pub fn purge(database: &DatabaseArg, dry_run: bool) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let report = homeward_service::retention::purge(&services, &command_line(), dry_run).await;
        services.close().await;
        let r = report.map_err(|e| anyhow::anyhow!("{e}"))?;
        let verb = if r.dry_run { "would remove" } else { "removed" };
        println!("Retention policy: {}", r.policy);
        for c in &r.cases {
            let records: Vec<String> = c.records.iter().map(|k| format!("{} {}", k.count, k.kind)).collect();
            let identity = if c.anonymised { "identity anonymised".to_string() } else { String::new() };
            let documents = if c.documents > 0 { format!("{} document(s)", c.documents) } else { String::new() };
            let what =
                [records.join(", "), documents, identity].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
            println!("{} (closed {}): {verb} {}", c.case_number, c.closed_on, what.join("; "));
        }
        for held in &r.held {
            println!("{held}: under a legal hold, left whole");
        }
        println!("{} case(s) {}, {} held.", r.cases.len(), if r.dry_run { "to purge" } else { "purged" }, r.held.len());
        Ok(ExitCode::SUCCESS)
    })?
}

/// `homeward admin rotate-key`: a new data key in the key file (written first, the old keys kept),
/// then every sealed value, document file and search term sealed or hashed again under it.
pub fn rotate_data_key(database: &DatabaseArg) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let path = database.data_key_path();
        if std::env::var_os("HOMEWARD_DATA_KEY").is_some() {
            anyhow::bail!("the data keys come from HOMEWARD_DATA_KEY: rotate them where that secret is kept");
        }
        let ring = homeward_store::cipher::ring()?.rotated()?;
        crate::data_key::replace(&path, &ring)?;
        let done = homeward_service::protection::rotate(&services, &command_line(), ring.clone()).await;
        let done = done.map_err(|e| anyhow::anyhow!("{e}"))?;
        // Pages that held the values under the old key are given back and overwritten.
        store.compact().await?;
        services.close().await;
        println!(
            "Data key {} seals from now on ({}): {} values and {} document files sealed again, {} cases' search terms \
             hashed again. Keep the key file apart from the database and its backups; the old keys in it still \
             open older backups.",
            ring.current(),
            path.display(),
            done.values,
            done.files,
            done.cases_indexed
        );
        Ok(ExitCode::SUCCESS)
    })?
}

/// `homeward admin check`: the database's integrity check and the audit chain.
pub fn check(database: &DatabaseArg) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let integrity = store.integrity_check().await?;
        println!("integrity check: {integrity}");
        store.close().await;
        Ok(if integrity == "ok" { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })?
}
