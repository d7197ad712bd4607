//! The assistance ledger (docs/domain.md 2.14; handbook Table 2.2 lines 2376-2420, lines 12262-12300):
//! what was given, how, to whom, in which instalment. Money is exact: integer minor units.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseRecord, RecordKind};
use crate::reference::{Currency, Money};
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    pub enum AssistanceModality {
        Cash = "cash",
        InKind = "in_kind",
        Training = "training",
        BusinessGrant = "business_grant",
        CashForWork = "cash_for_work",
        Voucher = "voucher",
    }
}

named_enum! {
    /// Conditions on a payment (the tranche model, lines 12276-12279).
    pub enum Conditionality {
        Unconditional = "unconditional",
        OnAssetsBought = "on_assets_bought",
        OnBusinessTargets = "on_business_targets",
    }
}

named_enum! {
    /// Who is paid: in-kind assistance is paid to suppliers (lines 12299-12300).
    pub enum Payee {
        Returnee = "returnee",
        Supplier = "supplier",
    }
}

/// An amount as people write it, in a currency: `{"amount": "1250.50", "currency": "XOF"}`.
/// Text, not a JSON number, so no amount is ever rounded through a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    #[schema(example = "1250.50")]
    pub amount: String,
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
}

impl Amount {
    pub fn money(&self) -> Result<Money, crate::reference::ReferenceError> {
        Money::parse(&self.amount, self.currency)
    }

    /// Checks that the amount reads exactly in its currency and is not negative.
    pub fn check(&self, p: &mut Problems, field: &str) {
        match self.money() {
            Ok(m) if m.minor < 0 => {
                p.add(format!("{field}.amount"), crate::problem!("negative", "must not be negative"))
            }
            Ok(_) => {}
            Err(e) => p.add(format!("{field}.amount"), e.problem()),
        }
    }
}

/// One disbursement or delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assistance {
    pub date: NaiveDate,
    pub modality: AssistanceModality,
    pub value: Amount,
    /// The plan version and the index of its component this serves, if any.
    #[serde(default)]
    pub plan_version: Option<u32>,
    #[serde(default)]
    pub component: Option<u32>,
    #[schema(minimum = 1)]
    #[serde(default = "one")]
    pub instalment: u32,
    #[schema(minimum = 1)]
    #[serde(default = "one")]
    pub instalments: u32,
    #[serde(default = "unconditional")]
    pub conditionality: Conditionality,
    pub payee: Payee,
    /// The supplier paid, when the payee is a supplier.
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub procurement_ref: Option<String>,
    /// A handover certificate was signed (used for spot checks, lines 9205-9207).
    #[serde(default)]
    pub handover_certificate: bool,
    /// A supervisor's reason to accept a payment the plan does not foresee (beyond the planned
    /// amount, ahead of its date, or out of instalment order). Only a supervisor may give it.
    #[serde(default)]
    pub exception_reason: Option<String>,
}

fn one() -> u32 {
    1
}

fn unconditional() -> Conditionality {
    Conditionality::Unconditional
}

impl CaseRecord for Assistance {
    const KIND: RecordKind = RecordKind::Assistance;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        self.value.check(&mut p, "value");
        if self.instalments == 0 {
            p.add("instalments", crate::problem!("at_least", "must be at least {min}", min = 1));
        }
        if self.instalment == 0 || self.instalment > self.instalments {
            p.add(
                "instalment",
                crate::problem!(
                    "instalment_out_of_range",
                    "must be between 1 and instalments ({instalments})",
                    instalments = self.instalments
                ),
            );
        }
        match (self.payee, self.supplier.as_deref()) {
            (Payee::Supplier, None) => {
                p.add("supplier", crate::problem!("supplier_required", "name the supplier paid"))
            }
            (Payee::Supplier, Some(s)) => p.text("supplier", s, SHORT_TEXT),
            (Payee::Returnee, Some(_)) => p.add(
                "supplier",
                crate::problem!("supplier_not_paid", "a supplier is named only when the supplier is paid"),
            ),
            (Payee::Returnee, None) => {}
        }
        p.optional_text("description", self.description.as_deref(), LONG_TEXT);
        p.optional_text("procurement_ref", self.procurement_ref.as_deref(), SHORT_TEXT);
        p.optional_text("exception_reason", self.exception_reason.as_deref(), LONG_TEXT);
        p.into_result()
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

/// What makes a payment one the plan does not foresee (handbook L2443-2449: assistance follows
/// the agreed plan), each a field and its problem: dated after `today`, beyond the amount planned
/// for its component (with what was paid before, in the same currency), or an instalment before
/// an earlier one was paid. A supervisor may accept such a payment with a reason.
pub fn exceptions(
    payment: &Assistance,
    today: NaiveDate,
    planned: Option<&Amount>,
    paid_before: &[Assistance],
) -> Vec<FieldError> {
    let mut found = Vec::new();
    if payment.date > today {
        found.push(FieldError::of(
            "date",
            crate::problem!(
                "payment_in_the_future",
                "{date} is after today: a payment is recorded once made",
                date = payment.date
            ),
        ));
    }
    let same_component = |a: &&Assistance| a.plan_version == payment.plan_version && a.component == payment.component;
    if let (Some(planned), Ok(this)) = (planned.filter(|p| p.currency == payment.value.currency), payment.value.money())
    {
        let before = paid_before.iter().filter(same_component).filter(|a| a.value.currency == this.currency);
        let total = before.filter_map(|a| a.value.money().ok()).try_fold(this, |sum, m| sum.checked_add(m).ok());
        if let (Some(total), Ok(planned_money)) = (total, planned.money())
            && total.minor > planned_money.minor
        {
            found.push(FieldError::of(
                "value.amount",
                crate::problem!(
                    "beyond_planned",
                    "with earlier payments this comes to {total}, more than the {planned} planned for the component",
                    total = total,
                    planned = planned_money
                ),
            ));
        }
    }
    if payment.instalment > 1 {
        let earlier = payment.instalment - 1;
        let paid = paid_before.iter().filter(same_component).any(|a| a.instalment == earlier);
        if !paid {
            found.push(FieldError::of(
                "instalment",
                crate::problem!(
                    "instalment_out_of_order",
                    "instalment {earlier} of this component is not paid yet",
                    earlier = earlier
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Assistance {
        serde_json::from_value(serde_json::json!({
            "date": "2026-04-01", "modality": "business_grant",
            "value": {"amount": "150000", "currency": "XOF"},
            "instalment": 1, "instalments": 2, "payee": "supplier", "supplier": "Quincaillerie Ndiaye"
        }))
        .unwrap()
    }

    #[test]
    fn a_payment_beyond_the_plan_ahead_of_its_date_or_out_of_order_is_an_exception() {
        let today: NaiveDate = "2026-06-01".parse().unwrap();
        let planned = Amount { amount: "200000".into(), currency: grant().value.currency };
        let codes = |e: Vec<FieldError>| e.into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert!(exceptions(&grant(), today, Some(&planned), &[]).is_empty(), "the first instalment, within the plan");
        let second = Assistance { instalment: 2, ..grant() };
        assert_eq!(codes(exceptions(&second, today, Some(&planned), &[])), ["instalment_out_of_order"]);
        assert_eq!(
            codes(exceptions(&second, today, Some(&planned), &[grant()])),
            ["beyond_planned"],
            "150000 + 150000 > 200000"
        );
        let ahead = Assistance { date: "2026-07-01".parse().unwrap(), ..grant() };
        assert_eq!(codes(exceptions(&ahead, today, Some(&planned), &[])), ["payment_in_the_future"]);
    }

    #[test]
    fn amounts_are_exact_in_their_currency() {
        let g = grant();
        assert_eq!(g.validate(), Ok(()));
        assert_eq!(g.value.money().unwrap().minor, 150_000);
        let cents = Assistance { value: Amount { amount: "10.5".into(), currency: g.value.currency }, ..g };
        let errors = cents.validate().unwrap_err();
        assert_eq!(errors[0].field, "value.amount");
        assert!(errors[0].message.contains("more decimals than XOF has (0)"), "{}", errors[0].message);
    }

    #[test]
    fn instalments_and_payees_are_consistent() {
        let late = Assistance { instalment: 3, ..grant() };
        assert_eq!(late.validate().unwrap_err()[0].message, "must be between 1 and instalments (2)");
        let nameless = Assistance { supplier: None, ..grant() };
        assert_eq!(nameless.validate().unwrap_err()[0].field, "supplier");
    }
}
