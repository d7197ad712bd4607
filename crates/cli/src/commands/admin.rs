//! `homeward admin`: bootstrap a deployment (users, tokens) and check the database.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use homeward_domain::Named;
use homeward_domain::access::Role;
use homeward_domain::account::NewAccount;
use homeward_service::auth;
use homeward_store::frames::UserRow;
use homeward_store::query::users;

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
}

pub fn create_user(database: &DatabaseArg, user: &NewUser<'_>) -> anyhow::Result<ExitCode> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    block_on(async {
        let store = database.open().await?;
        let row = user_row(user, password)?;
        let mut tx = store.begin().await?;
        users::upsert(&mut tx, &row).await?;
        homeward_store::commit(tx).await?;
        println!("user {} ({}) saved", row.username, row.role);
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })?
}

/// A user row, checked by the same rules as the API's accounts (the domain's [`NewAccount`]);
/// each problem is named by its flag.
pub fn user_row(user: &NewUser<'_>, password: &str) -> anyhow::Result<UserRow> {
    let Some(role) = Role::from_name(user.role) else {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        bail!("--role '{}' is not a role; roles: {}", user.role, names.join(", "));
    };
    let grants = auth::parse_sections(&user.grants.join(",")).map_err(anyhow::Error::msg)?;
    let account = NewAccount {
        username: user.username.trim().to_string(),
        password: password.to_string(),
        role,
        office: user.office.map(str::to_string),
        provider: user.provider.map(str::to_string),
        grants,
        language: user.language.to_string(),
    };
    if let Err(problems) = account.validate() {
        let flag = |field: &str| match field {
            "password" => "the password (read from standard input)".to_string(),
            other => format!("--{other}"),
        };
        let lines: Vec<String> = problems.iter().map(|p| format!("{}: {}", flag(&p.field), p.message)).collect();
        bail!("{}", lines.join("\n"));
    }
    let s = account.settings();
    Ok(UserRow {
        username: account.username.clone(),
        role: role.name().to_string(),
        office: s.office.clone(),
        provider_id: s.provider.clone(),
        sections: s.grants.iter().map(|g| g.name()).collect::<Vec<_>>().join(","),
        language: s.language.clone(),
        password_hash: auth::hash_password(password).map_err(anyhow::Error::msg)?,
        disabled: false,
        created_at: homeward_store::now(),
    })
}

pub fn create_token(database: &DatabaseArg, username: &str) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let token = issue_token(&store, username).await?;
        println!("{token}");
        eprintln!("This token is shown once. Send it as `Authorization: Bearer TOKEN`.");
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })?
}

/// A new token for an existing user.
pub async fn issue_token(store: &homeward_store::Store, username: &str) -> anyhow::Result<String> {
    let mut conn = store.read().await?;
    if users::get(&mut conn, username).await?.is_none() {
        bail!("no user '{username}': create it first with `homeward admin create-user`");
    }
    drop(conn);
    let token = auth::new_token();
    let mut tx = store.begin().await?;
    users::add_token(&mut tx, &auth::token_hash(&token), username).await?;
    homeward_store::commit(tx).await?;
    Ok(token)
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
