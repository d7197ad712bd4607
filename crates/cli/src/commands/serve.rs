//! `homeward serve`: the web app and the HTTP API on a database, migrating it first.

use std::process::ExitCode;

use anyhow::Context;
use homeward_service::Services;

use crate::database::{DatabaseArg, block_on, redact};

pub fn run(database: &DatabaseArg, listen: &str) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        serve(services, database, listen, None).await
    })?
}

/// Serves until Ctrl-C or SIGTERM; `banner` is printed once listening.
pub async fn serve(
    state: Services,
    database: &DatabaseArg,
    listen: &str,
    banner: Option<String>,
) -> anyhow::Result<ExitCode> {
    let hardening = crate::deployment::hardening()?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    println!("Homeward is listening on http://{address} (database {})", redact(&database.url));
    println!(
        "Web app: http://{address}/   API: http://{address}/api/v1/   OpenAPI: http://{address}/api/v1/openapi.json"
    );
    if let Some(banner) = banner {
        println!("{banner}");
    }
    let services = state.clone();
    homeward_server::hardening::serve(listener, homeward_web::app_with(state, &hardening), &hardening, shutdown())
        .await
        .context("server failed")?;
    // The reads journaled since the filer's last run join the chain now, not at the next start.
    services.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
