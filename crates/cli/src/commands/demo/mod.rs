//! `homeward demo`: a database of synthetic cases and the server on it, with a demo login.
//!
//! The first cases go through the services, as the command line (registration, consents,
//! household, assessments, RSS surveys at several phases, plans agreed, referrals sent,
//! assistance, follow-ups, closures), so the demo holds only what a user could have entered and
//! its audit log says who made it. Beyond that, for benchmarks with many cases, synthetic
//! registrations are written in large transactions, each case audited.

mod bulk;
mod communities;
mod flows;
mod people;
mod random;
mod structures;

use std::process::ExitCode;

use anyhow::Context;
use homeward_service::Services;
use homeward_store::Store;
use homeward_store::query::{cases, users};

use super::admin::{NewUser, account_of, command_line, issue_token, save_account};
use crate::database::{DatabaseArg, block_on};

/// Cases created through the services; more are written in bulk.
const THROUGH_THE_SERVICES: usize = 200;

pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSWORD: &str = "homeward-demo";

pub fn run(database: &DatabaseArg, listen: &str, cases_wanted: usize, seed_only: bool) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let token = seed(&services, &store, cases_wanted).await?;
        let banner = format!(
            "Demo login: username `{DEMO_USER}`, password `{DEMO_PASSWORD}` (admin, every section granted)\n\
             API token for it: {token}\n\
             Other demo users (same password): `fatou` (case manager, Dakar: her caseload), `supervisor` (Dakar), \
             `counsellor` (Dakar), `monitor` (M&E, pseudonymised), `partner` (a service provider)"
        );
        if seed_only {
            println!("{banner}");
            services.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        super::serve::serve(services, database, listen, Some(banner)).await
    })?
}

/// Seeds an empty database with `wanted` cases (a database that already has cases is kept as
/// it is); returns a fresh token of the demo user.
pub async fn seed(services: &Services, store: &Store, wanted: usize) -> anyhow::Result<String> {
    let mut conn = store.read().await?;
    let existing = cases::count(&mut conn).await? as usize;
    let has_demo_user = users::get(&mut conn, DEMO_USER).await?.is_some();
    drop(conn);
    if existing > 0 && !has_demo_user {
        // Never add a known password to a real database.
        anyhow::bail!(
            "this database has {existing} cases and no demo user: it is not a demo database. \
             Serve it with `homeward serve`, or give `homeward demo` another --database"
        );
    }
    let scorer = services.scorer.clone();
    homeward_service::offices::create_missing(services, &command_line(), offices())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !has_demo_user {
        create_users(services, &staff()).await?;
    }
    let token = issue_token(services, DEMO_USER).await?;
    if existing == 0 && wanted > 0 {
        let through_api = wanted.min(THROUGH_THE_SERVICES);
        eprintln!("Creating {through_api} demo cases through the services...");
        let provider =
            flows::create(services, &command_line(), scorer.instrument(), through_api).await.context("demo data")?;
        let partner = NewUser {
            username: "partner",
            role: "partner",
            office: None,
            provider: Some(&provider),
            grants: &[],
            language: "fr",
            emergency_sharing: false,
        };
        create_users(services, &[partner]).await?;
        if wanted > through_api {
            eprintln!("Writing {} more registrations in bulk...", wanted - through_api);
            bulk::register(services, wanted - through_api, through_api as u64).await?;
            store.optimize().await?;
        }
    } else if existing > 0 {
        eprintln!("The database already has {existing} cases: kept as they are.");
    }
    Ok(token)
}

/// The demo's offices: three in Senegal where returnees are reintegrated, and a host office in
/// Libya that counsels before departure and hands cases over.
fn offices() -> Vec<homeward_domain::office::Office> {
    use homeward_domain::office::{Office, OfficeRole};
    let office = |name: &str, country: &str, role, languages: &[&str], contact: &str| Office {
        name: name.into(),
        country: country.parse().expect("a country of the reference list"),
        role,
        languages: languages.iter().map(|l| l.to_string()).collect(),
        contact: contact.into(),
        installation: None,
    };
    vec![
        office("dakar", "SN", OfficeRole::Origin, &["fr", "wo"], "+221 33 800 00 00"),
        office("thies", "SN", OfficeRole::Origin, &["fr", "wo"], "+221 33 900 00 00"),
        office("kaolack", "SN", OfficeRole::Origin, &["fr", "wo"], "+221 33 940 00 00"),
        office("tripoli", "LY", OfficeRole::Host, &["ar", "fr", "en"], "+218 21 000 0000"),
    ]
}

/// No grants.
const NO_GRANTS: &[String] = &[];

/// The case manager whose caseload the demo's Dakar cases are.
pub const CASE_MANAGER: &str = "fatou";

/// The demo's staff, one login per role: an admin granted every section, a case manager and a
/// supervisor of the Dakar office (the case manager runs its caseload), a counsellor, a case
/// manager of the host office in Tripoli, an M&E officer. The partner is added once the directory exists.
fn staff() -> Vec<NewUser<'static>> {
    static SECTIONS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SECTIONS.get_or_init(|| {
        homeward_domain::access::Section::ALL.iter().map(|s| homeward_domain::Named::name(*s).to_string()).collect()
    });
    // The case manager and supervisor read counselling notes, as their work needs.
    static PSYCHOSOCIAL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let psychosocial = PSYCHOSOCIAL.get_or_init(|| vec!["psychosocial".to_string()]);
    static HOST: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let host_grants = HOST.get_or_init(|| vec!["psychosocial".to_string(), "gbv_protection".to_string()]);
    vec![
        NewUser {
            username: DEMO_USER,
            role: "admin",
            office: None,
            provider: None,
            grants: all,
            language: "en",
            emergency_sharing: true,
        },
        NewUser {
            username: CASE_MANAGER,
            role: "case_manager",
            office: Some("dakar"),
            provider: None,
            grants: psychosocial,
            language: "en",
            emergency_sharing: false,
        },
        NewUser {
            username: "supervisor",
            role: "supervisor",
            office: Some("dakar"),
            provider: None,
            grants: psychosocial,
            language: "en",
            emergency_sharing: false,
        },
        NewUser {
            username: "counsellor",
            role: "counsellor",
            office: Some("dakar"),
            provider: None,
            grants: NO_GRANTS,
            language: "fr",
            emergency_sharing: false,
        },
        // The host office's case manager in Tripoli: counselling before departure, screening and
        // the handover to Senegal.
        NewUser {
            username: "amal",
            role: "case_manager",
            office: Some("tripoli"),
            provider: None,
            grants: host_grants,
            language: "fr",
            emergency_sharing: false,
        },
        NewUser {
            username: "monitor",
            role: "me_officer",
            office: None,
            provider: None,
            grants: NO_GRANTS,
            language: "en",
            emergency_sharing: false,
        },
    ]
}

async fn create_users(services: &Services, demo_users: &[NewUser<'_>]) -> anyhow::Result<()> {
    for u in demo_users {
        save_account(services, &command_line(), account_of(u, DEMO_PASSWORD)?).await?;
    }
    Ok(())
}
