//! A deployment's settings, read from `HOMEWARD_*` variables (README: settings), each checked
//! with a message naming the variable.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::Context;
use homeward_server::hardening::Hardening;
use homeward_service::settings::Settings;

fn number(name: &str) -> anyhow::Result<Option<u64>> {
    match std::env::var(name) {
        Ok(text) if !text.trim().is_empty() => {
            let n: u64 = text.trim().parse().with_context(|| format!("{name}: `{text}` is not a whole number"))?;
            if n == 0 {
                anyhow::bail!("{name}: must be at least 1");
            }
            Ok(Some(n))
        }
        _ => Ok(None),
    }
}

/// The settings: `HOMEWARD_MIN_CELL` (the suppression floor), `HOMEWARD_SESSION_IDLE_MINUTES`,
/// `HOMEWARD_SESSION_HOURS`, `HOMEWARD_SIGN_IN_ATTEMPTS_PER_ADDRESS` and
/// `HOMEWARD_SIGN_IN_ATTEMPTS_PER_USERNAME` over `base` (the settings folder's, or the defaults).
pub fn settings(base: Settings) -> anyhow::Result<Settings> {
    let mut s = base;
    if let Some(n) = number("HOMEWARD_MIN_CELL")? {
        s.min_cell_floor = u32::try_from(n).context("HOMEWARD_MIN_CELL: too large")?;
    }
    if let Some(n) = number("HOMEWARD_SESSION_IDLE_MINUTES")? {
        s.session_idle = Duration::from_secs(n.saturating_mul(60));
    }
    if let Some(n) = number("HOMEWARD_SESSION_HOURS")? {
        s.session_lifetime = Duration::from_secs(n.saturating_mul(3600));
    }
    if let Some(n) = number("HOMEWARD_SIGN_IN_ATTEMPTS_PER_ADDRESS")? {
        s.attempts_per_address = u32::try_from(n).context("HOMEWARD_SIGN_IN_ATTEMPTS_PER_ADDRESS: too large")?;
    }
    if let Some(n) = number("HOMEWARD_SIGN_IN_ATTEMPTS_PER_USERNAME")? {
        s.attempts_per_username = i64::try_from(n).context("HOMEWARD_SIGN_IN_ATTEMPTS_PER_USERNAME: too large")?;
    }
    Ok(s)
}

/// The HTTP limits: `HOMEWARD_TRUSTED_PROXIES` (addresses of load balancers, comma-separated,
/// whose `X-Forwarded-For` is believed).
pub fn hardening() -> anyhow::Result<Hardening> {
    let mut h = Hardening::default();
    if let Ok(text) = std::env::var("HOMEWARD_TRUSTED_PROXIES") {
        h.trusted_proxies = text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<IpAddr>().with_context(|| format!("HOMEWARD_TRUSTED_PROXIES: `{t}` is not an IP address"))
            })
            .collect::<anyhow::Result<_>>()?;
    }
    Ok(h)
}
