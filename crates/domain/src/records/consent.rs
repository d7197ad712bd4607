//! A consent as kept on a case (docs/domain.md 2.4). The rules are those of [`crate::consent`]; this
//! is its stored form, which may only change by being withdrawn.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseRecord, RecordKind};
use crate::consent::{Consent, ConsentGiver, ConsentMethod, ConsentPurpose};
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRecord {
    pub purpose: ConsentPurpose,
    pub method: ConsentMethod,
    #[serde(default = "returnee")]
    pub given_by: ConsentGiver,
    pub given_on: NaiveDate,
    /// For sharing with a partner: the service provider's id.
    #[serde(default)]
    pub partner: Option<String>,
    /// For sharing with a partner: the plan version the sharing serves (consent is renewed
    /// with each version, line 2346).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub plan_version: Option<u32>,
    /// For sharing with a partner: the case fields the returnee agreed the packet may carry
    /// (a packet carrying any other is refused).
    #[serde(default)]
    pub fields: Vec<crate::referral::PacketField>,
    /// What the consent covers, in the words read to the returnee.
    #[serde(default)]
    pub scope: Option<String>,
    /// The staff member who took it (and a witness, if any).
    #[serde(default)]
    pub witness: Option<String>,
    #[serde(default)]
    pub withdrawn_on: Option<NaiveDate>,
}

fn returnee() -> ConsentGiver {
    ConsentGiver::Returnee
}

impl ConsentRecord {
    /// The consent the rules work on.
    pub fn consent(&self) -> Result<Consent, Vec<FieldError>> {
        let mut consent = Consent::new(
            self.purpose,
            self.method,
            self.given_by,
            self.given_on,
            self.partner.as_deref(),
            self.plan_version,
        )
        .and_then(|c| c.with_fields(&self.fields))
        .map_err(|e| vec![FieldError::of(field_of(e.problem.code), e.problem)])?;
        if let Some(on) = self.withdrawn_on {
            consent.withdraw(on).map_err(|e| vec![FieldError::of("withdrawn_on", e.problem)])?;
        }
        Ok(consent)
    }
}

/// The field a consent rule's problem is about.
fn field_of(code: &str) -> &'static str {
    match code {
        "consent_partner_required" | "consent_partner_only_sharing" => "partner",
        "consent_plan_version_required" | "consent_plan_version_only_sharing" => "plan_version",
        "consent_guardian" => "given_by",
        "consent_fields_only_sharing" => "fields",
        _ => "method",
    }
}

impl CaseRecord for ConsentRecord {
    const KIND: RecordKind = RecordKind::Consent;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("given_on", self.given_on);
        p.optional_text("partner", self.partner.as_deref(), SHORT_TEXT);
        p.optional_text("scope", self.scope.as_deref(), LONG_TEXT);
        p.optional_text("witness", self.witness.as_deref(), SHORT_TEXT);
        if self.plan_version == Some(0) {
            p.add("plan_version", crate::problem!("plan_version_from_1", "plan versions start at 1"));
        }
        p.into_result()?;
        self.consent().map(|_| ())
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.given_on)
    }

    /// A consent counts from when it is recorded: neither given nor withdrawn in the future.
    fn not_after_today(&self) -> Vec<(&'static str, NaiveDate)> {
        let mut dates = vec![("given_on", self.given_on)];
        dates.extend(self.withdrawn_on.map(|w| ("withdrawn_on", w)));
        dates
    }

    /// A consent is never rewritten: it may only be withdrawn, once.
    fn check_update(&self, old: &Self) -> Result<(), Vec<FieldError>> {
        let unchanged = ConsentRecord { withdrawn_on: old.withdrawn_on, ..self.clone() } == *old;
        let mut p = Problems::default();
        if !unchanged {
            p.add(
                "withdrawn_on",
                crate::problem!(
                    "consent_not_rewritten",
                    "a consent cannot be rewritten, only withdrawn; record a new consent instead"
                ),
            );
        } else if old.withdrawn_on.is_some() && self.withdrawn_on != old.withdrawn_on {
            let on = old.withdrawn_on.unwrap_or_default();
            p.add("withdrawn_on", crate::problem!("already_withdrawn", "already withdrawn on {date}", date = on));
        }
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: serde_json::Value) -> ConsentRecord {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_consent_rules_apply_and_name_the_field() {
        let medical_by_phone = record(serde_json::json!({
            "purpose": "medical_procedure", "method": "verbal_by_phone", "given_on": "2026-03-01"
        }));
        let errors = medical_by_phone.validate().unwrap_err();
        assert_eq!(errors[0].field, "method");
        assert_eq!(errors[0].message, "consent for medical_procedure: must be written");

        let sharing = record(serde_json::json!({
            "purpose": "share_with_partner", "method": "written_in_person", "given_on": "2026-03-01",
            "partner": "prov-1"
        }));
        assert_eq!(sharing.validate().unwrap_err()[0].field, "plan_version");
    }

    #[test]
    fn a_consent_can_only_be_withdrawn_once_and_never_rewritten() {
        let given = record(serde_json::json!({
            "purpose": "counselling", "method": "written_in_person", "given_on": "2026-03-01"
        }));
        let withdrawn = ConsentRecord { withdrawn_on: "2026-04-01".parse().ok(), ..given.clone() };
        assert_eq!(withdrawn.check_update(&given), Ok(()));
        assert!(withdrawn.validate().is_ok());
        let rewritten = ConsentRecord { method: ConsentMethod::VerbalByPhone, ..given.clone() };
        assert!(rewritten.check_update(&given).is_err());
        let moved = ConsentRecord { withdrawn_on: "2026-05-01".parse().ok(), ..given.clone() };
        assert!(moved.check_update(&withdrawn).unwrap_err()[0].message.contains("already withdrawn on 2026-04-01"));
        let before = ConsentRecord { withdrawn_on: "2026-01-01".parse().ok(), ..given };
        assert_eq!(before.validate().unwrap_err()[0].field, "withdrawn_on");
    }
}
