//! The M&E dashboard of a period: how the RSS scores are distributed across the three
//! dimensions and the composite, how the bands move from one survey round to the next, the
//! breakdown the user picks, the change between rounds by that breakdown, the indicators against
//! their targets, and a regression of the score on the returnees' attributes. Charts are SVG
//! drawn here (readable without JavaScript, printable), each with its numbers in a table. The
//! same figures download as a workbook (`workbook`), built from the same `model`.
//!
//! Figures come from the service's analyses: scope, suppression and audit are the API's.

mod model;
mod workbook;

pub use model::*;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_analytics::change::GroupChange;
use homeward_analytics::estimate::Estimate;
use homeward_analytics::indicators::{Figure, IndicatorResult};
use homeward_service::Services;
use homeward_service::analyses::{GROUPS, MEASURES, NUMBERS};

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::Session;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    d: Dashboard,
    measures: &'static [&'static str],
    groups: &'static [&'static str],
    phases: [&'static str; 3],
    variables: String,
}

impl DashboardPage<'_> {
    fn number(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "·".to_string(), |x| self.t.number(&x, 2))
    }

    fn signed(&self, v: &f64) -> String {
        let shown = self.t.number(v, 3);
        if *v > 0.0 { format!("+{shown}") } else { shown }
    }

    fn percent(&self, v: &f64) -> String {
        format!("{} %", self.t.number(&(v * 100.0), 0))
    }

    fn p(&self, p: &f64) -> String {
        if *p < 0.001 { "< 0.001".to_string() } else { self.t.number(p, 3) }
    }

    /// An estimate with its 95 % interval: `+0.120 (0.050 to 0.190)`.
    fn interval(&self, e: &Estimate) -> String {
        format!("{} ({} … {})", self.signed(&e.estimate), self.t.number(&e.conf_low, 3), self.t.number(&e.conf_high, 3))
    }

    /// The x and width (of 300) of each band's part of a stacked bar.
    fn parts(&self, shares: &[f64; 3]) -> Vec<(f64, f64, &'static str)> {
        let mut x = 0.0;
        ["intensive", "standard", "light"]
            .iter()
            .zip(shares)
            .map(|(band, s)| {
                let part = (x, s * 300.0, *band);
                x += s * 300.0;
                part
            })
            .collect()
    }

    /// A comparison's group of the mentored (`yes`) or not (`no`).
    fn mentored<'c>(&self, c: &'c homeward_service::analyses::ChangeView, which: &str) -> Option<&'c GroupChange> {
        c.groups.iter().find(|g| g.group == which)
    }

    /// A group's size and mean change, or that it is suppressed.
    fn group_cells(&self, g: Option<&GroupChange>) -> (String, String) {
        match g {
            Some(GroupChange { n: Some(n), mean_change, .. }) => {
                (n.to_string(), mean_change.map(|m| self.signed(&m)).unwrap_or_default())
            }
            Some(_) => (self.t.get("suppressed").to_string(), String::new()),
            None => ("0".to_string(), String::new()),
        }
    }

    /// The query of this view, for the workbook's link.
    fn query(&self) -> String {
        let d = &self.d;
        let mut q = format!(
            "from={}&to={}&measure={}&by={}&formula={}",
            d.from,
            d.to,
            d.measure,
            d.by,
            crate::layout::encode(&d.formula)
        );
        for (key, value) in [("from_phase", &d.from_phase), ("to_phase", &d.to_phase)] {
            if !value.is_empty() {
                q.push_str(&format!("&{key}={value}"));
            }
        }
        if d.robust {
            q.push_str("&robust=hc1");
        }
        if d.profiles.first().is_some_and(|(in_force, _)| *in_force != d.profile) {
            q.push_str(&format!("&profile={}", crate::layout::encode(&d.profile)));
        }
        q
    }

    /// A coefficient to three decimals, or to three significant digits when smaller: an effect per
    /// year of age is small.
    fn coefficient(&self, v: &f64) -> String {
        let magnitude = if *v == 0.0 || !v.is_finite() { 0.0 } else { -v.abs().log10().floor() };
        self.t.number(v, (magnitude as usize + 2).clamp(3, 8))
    }

    /// The rows of the change chart and table: everyone, then each group.
    fn change_rows(&self) -> Vec<(String, &GroupChange)> {
        let Ok(c) = &self.d.change else { return vec![] };
        let all = (self.t.get("all_returnees").to_string(), &c.overall);
        std::iter::once(all).chain(c.groups.iter().map(|g| (self.value(&g.group), g))).collect()
    }

    /// A group's value in the user's language where it is a word (`forced`, `yes`, a modality);
    /// codes, bands of age and offices as they are.
    fn value(&self, v: &str) -> String {
        let t = self.t;
        match self.d.by.as_str() {
            "sex" | "phase" | "return_type" | "return_assistance" => t.named(&self.d.by, v).to_string(),
            "vulnerable" | "community_of_origin" => t.get(v).to_string(),
            "assistance_type" if v == "none" || v == "mixed" => t.named("assistance", v).to_string(),
            "assistance_type" => t.named("modality", v).to_string(),
            _ => v.to_string(),
        }
    }

    /// A score's place on the change chart's 0-1 scale (300 wide, after the 110 of labels).
    fn x(&self, score: &f64) -> f64 {
        110.0 + score.clamp(0.0, 1.0) * 300.0
    }

    fn shown(&self, r: &IndicatorResult, f: &Figure) -> String {
        crate::indicators::shown(self.t, r, f)
    }

    fn target(&self, r: &IndicatorResult) -> String {
        crate::indicators::target(self.t, r)
    }

    fn bar(&self, r: &IndicatorResult) -> Option<(f64, f64)> {
        crate::indicators::bar(r)
    }
}

pub async fn show(State(state): State<Services>, session: Session, Query(q): Query<DashboardQuery>) -> Response {
    let t = catalogue(&session.caller.language);
    let d = match gather(&state, &session, &q).await {
        Ok(d) => d,
        Err(response) => return response,
    };
    let variables = format!("{}, {}", NUMBERS.join(", "), GROUPS.join(", "));
    let page = DashboardPage { t, session: &session, d, measures: MEASURES, groups: GROUPS, phases: PHASES, variables };
    render(page, StatusCode::OK)
}

/// The dashboard's figures as an XLSX workbook.
pub async fn workbook(State(state): State<Services>, session: Session, Query(q): Query<DashboardQuery>) -> Response {
    let d = match gather(&state, &session, &q).await {
        Ok(d) => d,
        Err(response) => return response,
    };
    crate::report::download(
        workbook::workbook(&d, crate::i18n::catalogue(&session.caller.language)),
        &format!("homeward-dashboard-{}-{}.xlsx", d.from, d.to),
    )
}
