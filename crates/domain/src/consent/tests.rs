use chrono::NaiveDate;

use super::*;
use ConsentGiver::{Guardian, Returnee};
use ConsentMethod::{VerbalByPhone, WrittenInPerson};
use ConsentPurpose as P;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn sharing(partner: &str, version: u32, on: &str) -> Consent {
    Consent::new(P::ShareWithPartner, WrittenInPerson, Returnee, date(on), Some(partner), Some(version)).unwrap()
}

#[test]
fn a_referral_packet_needs_a_current_consent_for_that_partner_and_plan_version() {
    let consents = [sharing("Clinic A", 2, "2026-02-01")];
    let use_ = DataUse::ReferralPacket { partner: "Clinic A", plan_version: 2, fields: &[] };
    assert_eq!(covering(&consents, use_, date("2026-02-10")), Ok(&consents[0]));
}

#[test]
fn a_revised_plan_needs_consent_again() {
    let consents = [sharing("Clinic A", 2, "2026-02-01")];
    let err = covering(
        &consents,
        DataUse::ReferralPacket { partner: "Clinic A", plan_version: 3, fields: &[] },
        date("2026-05-01"),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no current consent to share data with partner 'Clinic A' for plan version 3: the consent of 2026-02-01 covers \
         plan version 2; the plan has changed since, so consent must be renewed"
    );
}

#[test]
fn a_withdrawn_consent_covers_nothing_from_that_day() {
    let mut consent = sharing("Clinic A", 2, "2026-02-01");
    consent.withdraw(date("2026-03-01")).unwrap();
    let consents = [consent];
    let use_ = DataUse::ReferralPacket { partner: "Clinic A", plan_version: 2, fields: &[] };
    assert!(covering(&consents, use_, date("2026-02-28")).is_ok());
    let err = covering(&consents, use_, date("2026-03-01")).unwrap_err();
    assert!(err.to_string().ends_with("the consent given on 2026-02-01 was withdrawn on 2026-03-01"), "{err}");
}

#[test]
fn consent_for_one_partner_does_not_cover_another() {
    let consents = [sharing("Clinic A", 2, "2026-02-01")];
    let err = covering(
        &consents,
        DataUse::ReferralPacket { partner: "Legal Aid B", plan_version: 2, fields: &[] },
        date("2026-02-10"),
    )
    .unwrap_err();
    assert_eq!(err.why, "consent on record covers only Clinic A");
    let err = covering(&[], DataUse::Purpose(P::FamilyContact), date("2026-02-10")).unwrap_err();
    assert_eq!(err.to_string(), "no current consent for family_contact: none is recorded");
}

#[test]
fn a_consent_dated_later_does_not_cover_an_earlier_use() {
    let consents = [Consent::new(P::SurveyInterview, VerbalByPhone, Returnee, date("2026-04-01"), None, None).unwrap()];
    assert!(covering(&consents, DataUse::Purpose(P::SurveyInterview), date("2026-04-01")).is_ok());
    let err = covering(&consents, DataUse::Purpose(P::SurveyInterview), date("2026-03-31")).unwrap_err();
    assert!(err.why.contains("dated 2026-04-01, after 2026-03-31"), "{err}");
}

#[test]
fn the_handbooks_rules_for_giving_consent_are_enforced() {
    let on = date("2026-02-01");
    let refused = |p, m, g, partner, version| Consent::new(p, m, g, on, partner, version).unwrap_err().to_string();
    assert_eq!(
        refused(P::ShareWithPartner, WrittenInPerson, Returnee, None, Some(1)),
        "consent for share_with_partner: name the partner the data is shared with"
    );
    assert!(refused(P::ShareWithPartner, WrittenInPerson, Returnee, Some("X"), None).contains("plan version"));
    assert!(refused(P::Counselling, WrittenInPerson, Returnee, Some("X"), None).contains("only when sharing"));
    assert_eq!(
        refused(P::MedicalProcedure, VerbalByPhone, Returnee, None, None),
        "consent for medical_procedure: must be written"
    );
    assert!(refused(P::Recording, VerbalByPhone, Returnee, None, None).contains("must be written"));
    assert!(refused(P::FamilyContact, WrittenInPerson, Guardian, None, None).contains("only medical care"));
    assert!(Consent::new(P::MedicalProcedure, WrittenInPerson, Guardian, on, None, None).is_ok());
}

#[test]
fn a_consent_is_withdrawn_once_and_not_before_it_was_given() {
    let mut c = sharing("Clinic A", 1, "2026-02-01");
    assert!(c.withdraw(date("2026-01-31")).unwrap_err().to_string().contains("before it was given"));
    c.withdraw(date("2026-02-02")).unwrap();
    assert!(c.withdraw(date("2026-02-03")).unwrap_err().to_string().contains("already withdrawn on 2026-02-02"));
}

#[test]
fn a_packet_carries_only_the_fields_the_consent_names() {
    use crate::referral::PacketField as F;
    let consent = Consent::new(
        ConsentPurpose::ShareWithPartner,
        ConsentMethod::WrittenInPerson,
        ConsentGiver::Returnee,
        date("2026-01-10"),
        Some("Clinic A"),
        Some(2),
    )
    .unwrap()
    .with_fields(&[F::Name, F::Contacts])
    .unwrap();
    let consents = [consent];
    let within = DataUse::ReferralPacket { partner: "Clinic A", plan_version: 2, fields: &[F::Name] };
    assert!(covering(&consents, within, date("2026-02-01")).is_ok());
    let beyond = DataUse::ReferralPacket { partner: "Clinic A", plan_version: 2, fields: &[F::Name, F::Address] };
    let err = covering(&consents, beyond, date("2026-02-01")).unwrap_err();
    assert_eq!(err.why, "the consent of 2026-01-10 covers the fields name, contacts; not address");
    let other = Consent::new(
        ConsentPurpose::FamilyContact,
        ConsentMethod::VerbalByPhone,
        ConsentGiver::Returnee,
        date("2026-01-10"),
        None,
        None,
    )
    .unwrap();
    assert_eq!(other.with_fields(&[F::Name]).unwrap_err().problem.code, "consent_fields_only_sharing");
}
