//! Follow-up and monitoring visits (docs/domain.md 2.15; handbook 2.3.3 lines 2443-2545).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseRecord, RecordKind};
use crate::returnee::LONG_TEXT;
use crate::validate::{FieldError, Problems};

named_enum! {
    /// How the visit happened; face to face is preferred (lines 2463, 9263-9272).
    pub enum FollowUpMode {
        FaceToFace = "face_to_face",
        Phone = "phone",
        Email = "email",
        Video = "video",
        ViaPartner = "via_partner",
    }
}

named_enum! {
    /// What the visit was for (line 2471).
    pub enum FollowUpKind {
        Routine = "routine",
        MidYearReport = "mid_year_report",
        FinalReport = "final_report",
        Rss = "rss",
        DuringDisbursement = "during_disbursement",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub date: NaiveDate,
    pub mode: FollowUpMode,
    pub kind: FollowUpKind,
    /// The returnee could not be reached.
    #[serde(default)]
    pub contact_failed: bool,
    /// Ups and downs since the last visit (the W-model, lines 2483-2545).
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub new_needs: Option<String>,
    #[serde(default)]
    pub plan_changes: Option<String>,
    #[serde(default)]
    pub returnee_feedback: Option<String>,
    /// When the next visit is due; when left out, Homeward proposes it from the timing rules.
    #[serde(default)]
    pub next_due: Option<NaiveDate>,
}

impl CaseRecord for FollowUp {
    const KIND: RecordKind = RecordKind::FollowUp;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        for (field, value) in [
            ("notes", &self.notes),
            ("new_needs", &self.new_needs),
            ("plan_changes", &self.plan_changes),
            ("returnee_feedback", &self.returnee_feedback),
        ] {
            p.optional_text(field, value.as_deref(), LONG_TEXT);
        }
        if let Some(next) = self.next_due {
            p.plausible_date("next_due", next);
            if next <= self.date {
                p.add(
                    "next_due",
                    crate::problem!(
                        "not_after_visit",
                        "{date} is not after the visit ({visit})",
                        date = next,
                        visit = self.date
                    ),
                );
            }
        }
        p.into_result()
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}
