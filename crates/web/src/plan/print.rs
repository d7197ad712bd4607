//! The printable plan, laid out like the Annex 3 template, in the returnee's language.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::Named;
use homeward_domain::feasibility::FeasibilityGrid;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::plans::PlanView;
use homeward_service::views::CaseView;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{MessagePage, render};
use crate::session::Session;

use super::*;

#[derive(Template)]
#[template(path = "plan_print.html")]
pub(super) struct PrintPage<'a> {
    t: &'a Catalogue,
    case: CaseView,
    p: PlanView,
    goods_total: Vec<String>,
    grid: std::sync::Arc<FeasibilityGrid>,
    /// Every language the plan can be printed in: (code, the language's name).
    languages: Vec<(&'static str, &'static str)>,
}

impl PrintPage<'_> {
    fn returnee_name(&self) -> String {
        case_name(&self.case)
    }

    fn intervention_name(&self, id: &str) -> String {
        intervention_name(&self.grid, id)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// The language to print for a returnee: the first of their languages a catalogue has, named
/// by its code (`fr`) or its name (`French`, `Français`).
pub(super) fn returnee_language(languages: &[String]) -> Option<&'static str> {
    const ENGLISH_NAMES: &[(&str, &str)] = &[("en", "english"), ("fr", "french"), ("ar", "arabic")];
    languages.iter().find_map(|spoken| {
        let spoken = spoken.trim().to_lowercase();
        crate::i18n::languages().find(|code| {
            spoken == *code
                || spoken == catalogue(code).language.to_lowercase()
                || ENGLISH_NAMES.iter().any(|(c, name)| c == code && spoken == *name)
        })
    })
}

/// The language a document for the returnee is printed in: the one asked for (`lang`) when
/// Homeward has it, else the first the returnee speaks that Homeward has, else the user's.
pub(crate) fn print_catalogue(asked: Option<&str>, returnee: &[String], user: &str) -> &'static Catalogue {
    let code = asked
        .filter(|l| crate::i18n::languages().any(|c| c == *l))
        .or_else(|| returnee_language(returnee))
        .unwrap_or(user);
    catalogue(code)
}

/// The printable plan, laid out like the Annex 3 template, in the returnee's language unless
/// another is asked for; the print stylesheet leaves out the app's bars.
pub async fn print(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<PrintQuery>,
) -> Response {
    let own = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let plan = match current(&state, &session, &case_id).await {
        Ok(Some(p)) => p,
        Ok(None) => return render(MessagePage { t: own, message: own.get("no_plan") }, StatusCode::NOT_FOUND),
        Err(ServiceError::Forbidden(_)) => {
            return render(MessagePage { t: own, message: own.get("forbidden") }, StatusCode::FORBIDDEN);
        }
        Err(e) => return crate::layout::failure(e),
    };
    let t = print_catalogue(query.lang.as_deref(), &case.profile.languages, &session.caller.language);
    let goods: Vec<[String; 3]> = plan
        .content
        .goods
        .iter()
        .map(|g| [g.item.clone(), g.estimated_cost.amount.clone(), g.estimated_cost.currency.to_string()])
        .collect();
    let page = PrintPage {
        t,
        case,
        goods_total: totals(t, &goods),
        p: plan,
        grid: state.grid.clone(),
        languages: crate::i18n::languages().map(|c| (c, catalogue(c).language.as_str())).collect(),
    };
    render(page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_printed_in_the_first_language_of_the_returnee_that_homeward_has() {
        let spoken = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(returnee_language(&spoken(&["Wolof", "Français"])), Some("fr"));
        assert_eq!(returnee_language(&spoken(&["wolof", "French", "English"])), Some("fr"));
        assert_eq!(returnee_language(&spoken(&["en"])), Some("en"));
        assert_eq!(returnee_language(&spoken(&["Wolof"])), None);
    }
}
