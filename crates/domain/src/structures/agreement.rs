//! Coordination mechanisms and agreements (handbook 4.1.3, lines 7193-7300): standard operating
//! procedures, memorandums of understanding, data-sharing agreements and the coordination bodies
//! an office takes part in, with their parties, scope, dates and renewal. A data-sharing agreement
//! with a provider of the directory is what lets a referral send it a returnee's data.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// What an agreement is.
    pub enum AgreementKind {
        /// Standard operating procedures, joint instructions or protocols (line 7261).
        Sop = "sop",
        /// A memorandum of understanding or inter-agency agreement (line 7124).
        Mou = "mou",
        /// What data partners exchange and how (lines 7266-7271, 8359-8361).
        DataSharing = "data_sharing",
        /// An inter-agency working group or interministerial committee (line 7252).
        CoordinationMechanism = "coordination_mechanism",
    }
}

named_enum! {
    /// Where an agreement stands on a day.
    pub enum AgreementStatus {
        /// Not signed yet.
        Draft = "draft",
        /// Signed, not started.
        Upcoming = "upcoming",
        InForce = "in_force",
        /// In force, and within its renewal notice of its end.
        Expiring = "expiring",
        Expired = "expired",
    }
}

/// How many days before its end an agreement is shown to those responsible, by default.
pub const DEFAULT_NOTICE_DAYS: u32 = 60;

fn default_notice() -> u32 {
    DEFAULT_NOTICE_DAYS
}

/// An agreement as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub kind: AgreementKind,
    pub title: String,
    /// The office that holds it; access follows it.
    pub office: String,
    /// The organisations bound by it, one per entry.
    pub parties: Vec<String>,
    /// The provider of the service directory a data-sharing agreement is with: referrals may
    /// send this provider data while the agreement is in force.
    #[serde(default)]
    pub provider: Option<String>,
    /// What it covers: the data exchanged, the services, the procedures.
    pub scope: String,
    #[serde(default)]
    pub signed_on: Option<NaiveDate>,
    pub starts_on: NaiveDate,
    /// Its end, if it has one; renewing it moves the end.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Days before the end at which those responsible are told to renew it (default 60).
    #[serde(default = "default_notice")]
    pub renewal_notice_days: u32,
    /// The user responsible for it: their worklist shows it as its end nears.
    pub responsible: String,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Agreement {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("title", &self.title, SHORT_TEXT);
        p.text("office", &self.office, SHORT_TEXT);
        p.text("scope", &self.scope, LONG_TEXT);
        p.text("responsible", &self.responsible, SHORT_TEXT);
        p.optional_text("notes", self.notes.as_deref(), LONG_TEXT);
        p.optional_text("provider", self.provider.as_deref(), SHORT_TEXT);
        if self.parties.iter().all(|s| s.trim().is_empty()) {
            p.add("parties", crate::problem!("party_required", "name at least one party"));
        }
        for (i, party) in self.parties.iter().enumerate() {
            p.optional_text(&format!("parties[{i}]"), Some(party), SHORT_TEXT);
        }
        if self.provider.is_some() && self.kind != AgreementKind::DataSharing {
            let problem =
                crate::problem!("provider_only_data_sharing", "only a data-sharing agreement names a provider");
            p.add("provider", problem);
        }
        p.plausible_date("starts_on", self.starts_on);
        if let Some(signed) = self.signed_on {
            p.plausible_date("signed_on", signed);
        }
        if let Some(ends) = self.ends_on {
            p.plausible_date("ends_on", ends);
            p.not_before("ends_on", ends, "starts_on", self.starts_on);
        }
        if self.renewal_notice_days > 366 {
            let problem = crate::problem!("between", "must be between {min} and {max}", min = 0, max = 366);
            p.add("renewal_notice_days", problem);
        }
        p.into_result()
    }

    /// The day from which those responsible are told to renew it.
    pub fn renew_by(&self) -> Option<NaiveDate> {
        let ends = self.ends_on?;
        Some(ends.checked_sub_days(Days::new(u64::from(self.renewal_notice_days))).unwrap_or(ends))
    }

    pub fn status(&self, today: NaiveDate) -> AgreementStatus {
        match (self.signed_on, self.ends_on, self.renew_by()) {
            (None, ..) => AgreementStatus::Draft,
            _ if today < self.starts_on => AgreementStatus::Upcoming,
            (_, Some(ends), _) if ends < today => AgreementStatus::Expired,
            (_, _, Some(renew)) if renew <= today => AgreementStatus::Expiring,
            _ => AgreementStatus::InForce,
        }
    }

    /// Whether it binds its parties on `today`: signed, started, not ended.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        matches!(self.status(today), AgreementStatus::InForce | AgreementStatus::Expiring)
    }

    /// Whether it needs its responsible's attention: near its end, or ended (still listed until
    /// renewed or its end is a year past).
    pub fn needs_renewal(&self, today: NaiveDate) -> bool {
        match self.status(today) {
            AgreementStatus::Expiring => true,
            AgreementStatus::Expired => self.ends_on.is_some_and(|e| today.signed_duration_since(e).num_days() <= 365),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dsa() -> Agreement {
        Agreement {
            kind: AgreementKind::DataSharing,
            title: "Referral data with the health centre".into(),
            office: "dakar".into(),
            parties: vec!["IOM Senegal".into(), "Centre de santé de Pikine".into()],
            provider: Some("p1".into()),
            scope: "Name, age and needs of returnees referred for health care".into(),
            signed_on: Some(day("2026-01-10")),
            starts_on: day("2026-02-01"),
            ends_on: Some(day("2027-01-31")),
            renewal_notice_days: 60,
            responsible: "awa".into(),
            notes: None,
        }
    }

    #[test]
    fn an_agreement_binds_from_its_start_to_its_end_once_signed() {
        let a = dsa();
        assert_eq!(a.status(day("2026-01-20")), AgreementStatus::Upcoming);
        assert!(a.in_force(day("2026-02-01")));
        assert_eq!(a.status(day("2026-12-01")), AgreementStatus::InForce);
        assert_eq!(a.status(day("2026-12-02")), AgreementStatus::Expiring, "60 days before its end");
        assert!(a.in_force(day("2027-01-31")), "the last day counts");
        assert_eq!(a.status(day("2027-02-01")), AgreementStatus::Expired);
        assert!(!a.in_force(day("2027-02-01")));
        let unsigned = Agreement { signed_on: None, ..dsa() };
        assert_eq!(unsigned.status(day("2026-06-01")), AgreementStatus::Draft);
        assert!(!unsigned.in_force(day("2026-06-01")));
        let open_ended = Agreement { ends_on: None, ..dsa() };
        assert!(open_ended.in_force(day("2040-01-01")) && !open_ended.needs_renewal(day("2040-01-01")));
    }

    #[test]
    fn renewal_is_asked_from_the_notice_until_a_year_after_the_end() {
        let a = dsa();
        assert!(!a.needs_renewal(day("2026-12-01")));
        assert!(a.needs_renewal(day("2026-12-02")));
        assert!(a.needs_renewal(day("2027-06-01")), "expired and not renewed");
        assert!(!a.needs_renewal(day("2028-02-01")), "long gone");
    }

    #[test]
    fn an_agreement_names_parties_ends_after_it_starts_and_only_a_dsa_names_a_provider() {
        let bad = Agreement {
            kind: AgreementKind::Mou,
            parties: vec![" ".into()],
            ends_on: Some(day("2026-01-01")),
            renewal_notice_days: 400,
            ..dsa()
        };
        let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["parties", "provider", "ends_on", "renewal_notice_days"]);
        assert!(dsa().validate().is_ok());
    }
}
