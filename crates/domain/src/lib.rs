//! The case-management domain of Homeward, as pure types: no storage, no HTTP.
//!
//! Specification: `docs/domain.md` (section 3: workflows and state machines), which
//! cites the IOM Reintegration Handbook by line.
//!
//! So far: the lifecycles of a case, a reintegration plan and a referral, each a transition
//! table checked by [`lifecycle::Lifecycle`]; the reasons for closing a case; the timing rules
//! (data) that say when follow-ups, reports and surveys fall due; the feasibility grid of
//! Annex 5 (data) with a case's evaluation of an intervention; and consent, with the rule that
//! finds the consent covering a use of a returnee's data or says which is missing; and the
//! reference codes (countries, currencies) with money as exact minor units; and RSS survey
//! instances, whose results under each scoring profile are added, never overwritten; the entities
//! of docs/domain.md section 2 as validated values (registration and profile, household, consents,
//! counselling, assessments, plan content after Annex 3, the service directory, referrals,
//! assistance, follow-ups, closure); who may see and do what ([`access`]); and the search key
//! that makes name search accent- and case-insensitive.

#[macro_use]
mod named;

pub mod access;
pub mod account;
pub mod case;
pub mod closure;
pub mod community;
pub mod consent;
pub mod document;
pub mod feasibility;
pub mod handover;
pub mod ids;
pub mod lifecycle;
pub mod mentoring;
pub mod office;
pub mod plan;
pub mod plan_document;
pub mod provider;
pub mod records;
pub mod reference;
pub mod referral;
pub mod retention;
pub mod returnee;
pub mod search;
pub mod structures;
pub mod survey;
pub mod timing;
pub mod validate;
pub mod worklist;

pub use lifecycle::{Lifecycle, Named, Transition, TransitionError};
