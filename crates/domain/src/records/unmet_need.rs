//! Unmet needs: what a returnee needs that no service provides, recorded for advocacy and the
//! gap analysis of Annex 7 (docs/domain.md 2.3 and 5; handbook lines 2425-2427).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseRecord, RecordKind};
use crate::feasibility::Dimension;
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// Why the need is not met.
    pub enum UnmetBecause {
        ServiceUnavailable = "service_unavailable",
        NotAccessible = "not_accessible",
        NotAffordable = "not_affordable",
        NotEligible = "not_eligible",
        Other = "other",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmetNeed {
    pub date: NaiveDate,
    pub dimension: Dimension,
    /// The need, in the case worker's words (`psychiatric care`, `school for a deaf child`).
    pub need: String,
    pub because: UnmetBecause,
    /// The referral that found the service unavailable, if any.
    #[serde(default)]
    pub referral: Option<String>,
    /// What was done instead (a safety plan, a generic service, ...).
    #[serde(default)]
    pub mitigation: Option<String>,
    /// The need has since been met.
    #[serde(default)]
    pub resolved_on: Option<NaiveDate>,
}

impl CaseRecord for UnmetNeed {
    const KIND: RecordKind = RecordKind::UnmetNeed;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.text("need", &self.need, SHORT_TEXT);
        p.optional_text("referral", self.referral.as_deref(), SHORT_TEXT);
        p.optional_text("mitigation", self.mitigation.as_deref(), LONG_TEXT);
        if let Some(resolved) = self.resolved_on {
            p.not_before("resolved_on", resolved, "date", self.date);
        }
        p.into_result()
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}
