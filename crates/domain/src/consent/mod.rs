//! Consent (docs/domain.md 2.4 and 6): what a returnee agreed to, how, and whether it covers a use of
//! their data. Nothing about a returnee is shared without a current consent that covers it.

use chrono::NaiveDate;

use crate::referral::PacketField;

named_enum! {
    /// What a consent is for.
    pub enum ConsentPurpose {
        /// Taking part in counselling (line 1812).
        Counselling = "counselling",
        /// Sending assessment results to the country of origin (lines 2011-2013).
        ShareWithCountryOfOrigin = "share_with_country_of_origin",
        /// Sending a referral packet to a named partner (lines 7266-7273); tied to a plan version.
        ShareWithPartner = "share_with_partner",
        /// A medical procedure: written consent, possibly by a guardian (lines 3599-3602).
        MedicalProcedure = "medical_procedure",
        /// Contacting the returnee's family (line 4199).
        FamilyContact = "family_contact",
        /// An RSS or M&E interview (line 13084).
        SurveyInterview = "survey_interview",
        /// Recording an interview: written (G lines 514-515).
        Recording = "recording",
        /// Onward referrals when the case closes, a warm hand-off (line 4320).
        OnwardReferral = "onward_referral",
    }
}

named_enum! {
    /// How consent was given (line 13084).
    pub enum ConsentMethod {
        WrittenInPerson = "written_in_person",
        VerbalByPhone = "verbal_by_phone",
    }
}

named_enum! {
    /// Who gave consent: the returnee, or a guardian for medical care (line 3599).
    pub enum ConsentGiver {
        Returnee = "returnee",
        Guardian = "guardian",
    }
}

/// A consent as recorded. Build it with [`Consent::new`], which enforces the handbook's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub purpose: ConsentPurpose,
    pub method: ConsentMethod,
    pub given_by: ConsentGiver,
    pub given_on: NaiveDate,
    /// The partner organisation, for sharing with a partner.
    pub partner: Option<String>,
    /// The plan version covered, for sharing with a partner: a new plan version needs a new
    /// consent (line 2346).
    pub plan_version: Option<u32>,
    /// For sharing with a partner: the case fields the returnee agreed the packet may carry.
    pub fields: Vec<PacketField>,
    pub withdrawn_on: Option<NaiveDate>,
}

/// A consent that cannot be recorded as given: the problem, naming the consent's purpose.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problem.message)]
pub struct ConsentError {
    pub purpose: &'static str,
    pub problem: crate::validate::Problem,
}

impl Consent {
    /// A consent, checked: sharing with a partner names the partner and the plan version;
    /// medical procedures and recordings need written consent; only medical care may be
    /// consented to by a guardian.
    pub fn new(
        purpose: ConsentPurpose,
        method: ConsentMethod,
        given_by: ConsentGiver,
        given_on: NaiveDate,
        partner: Option<&str>,
        plan_version: Option<u32>,
    ) -> Result<Consent, ConsentError> {
        use ConsentPurpose as P;
        let name = crate::Named::name(purpose);
        let err = |problem| ConsentError { purpose: name, problem };
        let partner = partner.map(str::trim).filter(|p| !p.is_empty());
        match (purpose, partner, plan_version) {
            (P::ShareWithPartner, None, _) => {
                return Err(err(crate::problem!(
                    "consent_partner_required",
                    "consent for {purpose}: name the partner the data is shared with",
                    purpose = name
                )));
            }
            (P::ShareWithPartner, _, None) => {
                return Err(err(crate::problem!(
                    "consent_plan_version_required",
                    "consent for {purpose}: give the plan version the sharing serves",
                    purpose = name
                )));
            }
            (P::ShareWithPartner, _, _) => {}
            (_, Some(_), _) => {
                return Err(err(crate::problem!(
                    "consent_partner_only_sharing",
                    "consent for {purpose}: a partner is named only when sharing with a partner",
                    purpose = name
                )));
            }
            (_, _, Some(_)) => {
                return Err(err(crate::problem!(
                    "consent_plan_version_only_sharing",
                    "consent for {purpose}: a plan version is given only when sharing with a partner",
                    purpose = name
                )));
            }
            _ => {}
        }
        if matches!(purpose, P::MedicalProcedure | P::Recording) && method != ConsentMethod::WrittenInPerson {
            return Err(err(crate::problem!(
                "consent_written",
                "consent for {purpose}: must be written",
                purpose = name
            )));
        }
        if given_by == ConsentGiver::Guardian && purpose != P::MedicalProcedure {
            return Err(err(crate::problem!(
                "consent_guardian",
                "consent for {purpose}: only medical care may be consented to by a guardian; otherwise the returnee consents",
                purpose = name
            )));
        }
        Ok(Consent {
            purpose,
            method,
            given_by,
            given_on,
            partner: partner.map(str::to_string),
            plan_version,
            fields: vec![],
            withdrawn_on: None,
        })
    }

    /// The consent, naming the case fields a partner may receive (only when sharing with one).
    pub fn with_fields(mut self, fields: &[PacketField]) -> Result<Consent, ConsentError> {
        if !fields.is_empty() && self.purpose != ConsentPurpose::ShareWithPartner {
            let name = crate::Named::name(self.purpose);
            return Err(ConsentError {
                purpose: name,
                problem: crate::problem!(
                    "consent_fields_only_sharing",
                    "consent for {purpose}: the fields shared are named only when sharing with a partner",
                    purpose = name
                ),
            });
        }
        self.fields = fields.to_vec();
        Ok(self)
    }

    /// Records that the consent was withdrawn on `on` (the returnee may do so at any time,
    /// without consequence for their assistance).
    pub fn withdraw(&mut self, on: NaiveDate) -> Result<(), ConsentError> {
        let name = crate::Named::name(self.purpose);
        let err = |problem| ConsentError { purpose: name, problem };
        if let Some(earlier) = self.withdrawn_on {
            return Err(err(crate::problem!(
                "consent_already_withdrawn",
                "consent for {purpose}: already withdrawn on {date}",
                purpose = name,
                date = earlier
            )));
        }
        if on < self.given_on {
            return Err(err(crate::problem!(
                "consent_withdrawn_before_given",
                "consent for {purpose}: cannot be withdrawn on {date}, before it was given on {given}",
                purpose = name,
                date = on,
                given = self.given_on
            )));
        }
        self.withdrawn_on = Some(on);
        Ok(())
    }

    /// Given on or before `on` and not withdrawn by then.
    pub fn is_current(&self, on: NaiveDate) -> bool {
        self.given_on <= on && self.withdrawn_on.is_none_or(|w| w > on)
    }
}

/// A use of a returnee's data that needs consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataUse<'a> {
    /// Sending a referral packet carrying `fields` to `partner` for plan version `plan_version`.
    ReferralPacket { partner: &'a str, plan_version: u32, fields: &'a [PacketField] },
    /// Any other purpose, which needs a current consent for it.
    Purpose(ConsentPurpose),
}

/// Why no recorded consent covers a use: says which consent is missing and why the ones on
/// record do not do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no current consent {needed}: {why}")]
pub struct MissingConsent {
    pub needed: String,
    pub why: String,
}

/// The consent that covers `data_use` on `on`, or what is missing.
pub fn covering<'c>(
    consents: &'c [Consent],
    data_use: DataUse<'_>,
    on: NaiveDate,
) -> Result<&'c Consent, MissingConsent> {
    let (purpose, needed) = match data_use {
        DataUse::ReferralPacket { partner, plan_version, .. } => (
            ConsentPurpose::ShareWithPartner,
            format!("to share data with partner '{partner}' for plan version {plan_version}"),
        ),
        DataUse::Purpose(p) => (p, format!("for {p}")),
    };
    let covers = |c: &Consent| match data_use {
        DataUse::ReferralPacket { partner, plan_version, fields } => {
            c.partner.as_deref() == Some(partner)
                && c.plan_version == Some(plan_version)
                && fields.iter().all(|f| c.fields.contains(f))
        }
        DataUse::Purpose(_) => true,
    };
    let candidates: Vec<&Consent> = consents.iter().filter(|c| c.purpose == purpose).collect();
    if let Some(found) = candidates.iter().copied().find(|c| covers(c) && c.is_current(on)) {
        return Ok(found);
    }
    Err(MissingConsent { needed, why: nearest_miss(&candidates, data_use, covers, on) })
}

/// Why the consents of the right purpose do not cover the use, to say what to do about it.
fn nearest_miss(
    candidates: &[&Consent],
    data_use: DataUse<'_>,
    covers: impl Fn(&Consent) -> bool,
    on: NaiveDate,
) -> String {
    if let Some(c) = candidates.iter().find(|c| covers(c)) {
        return match c.withdrawn_on {
            Some(w) if w <= on => format!("the consent given on {} was withdrawn on {w}", c.given_on),
            _ => format!("the consent on record is dated {}, after {on}", c.given_on),
        };
    }
    if let DataUse::ReferralPacket { partner, plan_version, fields } = data_use {
        let same_version =
            |c: &&&Consent| c.partner.as_deref() == Some(partner) && c.plan_version == Some(plan_version);
        if let Some(c) = candidates.iter().find(|c| same_version(c) && c.is_current(on)) {
            let beyond: Vec<&str> =
                fields.iter().filter(|f| !c.fields.contains(f)).map(|f| crate::Named::name(*f)).collect();
            let agreed: Vec<&str> = c.fields.iter().map(|f| crate::Named::name(*f)).collect();
            return format!(
                "the consent of {} covers the fields {}; not {}",
                c.given_on,
                if agreed.is_empty() { "(none)".to_string() } else { agreed.join(", ") },
                beyond.join(", ")
            );
        }
        if let Some(c) = candidates.iter().find(|c| c.partner.as_deref() == Some(partner)) {
            return format!(
                "the consent of {} covers plan version {}; the plan has changed since, so consent must be renewed",
                c.given_on,
                c.plan_version.unwrap_or_default()
            );
        }
        if !candidates.is_empty() {
            let partners: Vec<&str> = candidates.iter().filter_map(|c| c.partner.as_deref()).collect();
            return format!("consent on record covers only {}", partners.join(", "));
        }
    }
    "none is recorded".to_string()
}

#[cfg(test)]
mod tests;
