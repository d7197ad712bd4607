//! A lifecycle is data: which action leads from which states to which state. One small engine
//! checks every move against the table, so an illegal move is refused the same way everywhere.

use std::fmt;

/// States and actions have stable snake_case names, used in messages, APIs and storage.
pub trait Named: Copy + Eq + fmt::Debug + 'static {
    fn name(self) -> &'static str;
}

/// `action` moves an entity from any of `from` to `to`.
#[derive(Debug, Clone, Copy)]
pub struct Transition<S: 'static, A> {
    pub action: A,
    pub from: &'static [S],
    pub to: S,
}

/// The transition table of one kind of entity.
#[derive(Debug)]
pub struct Lifecycle<S: 'static, A: 'static> {
    /// What the entity is called in messages: "case", "plan", "referral".
    pub entity: &'static str,
    /// States a new entity may start in.
    pub initial: &'static [S],
    pub transitions: &'static [Transition<S, A>],
}

/// A move the lifecycle does not allow: names the entity, its state, the action and what the
/// state does allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {entity} in state `{state}` cannot `{action}`; {}", allowed_text(allowed))]
pub struct TransitionError {
    pub entity: &'static str,
    pub state: &'static str,
    pub action: &'static str,
    pub allowed: Vec<&'static str>,
}

fn allowed_text(allowed: &[&'static str]) -> String {
    if allowed.is_empty() {
        "nothing can change it any more".to_string()
    } else {
        format!("from there it can: {}", allowed.join(", "))
    }
}

impl<S: Named, A: Named> Lifecycle<S, A> {
    /// The state after `action`, or why `action` is not allowed in `state`.
    pub fn next(&self, state: S, action: A) -> Result<S, TransitionError> {
        self.transitions.iter().find(|t| t.action == action && t.from.contains(&state)).map(|t| t.to).ok_or_else(|| {
            TransitionError {
                entity: self.entity,
                state: state.name(),
                action: action.name(),
                allowed: self.allowed(state).into_iter().map(Named::name).collect(),
            }
        })
    }

    /// The actions allowed in `state`, in table order.
    pub fn allowed(&self, state: S) -> Vec<A> {
        let mut actions: Vec<A> = Vec::new();
        for t in self.transitions.iter().filter(|t| t.from.contains(&state)) {
            if !actions.contains(&t.action) {
                actions.push(t.action);
            }
        }
        actions
    }

    /// Whether no action leads out of `state`.
    pub fn is_final(&self, state: S) -> bool {
        self.allowed(state).is_empty()
    }
}

/// Checks that a table is well formed: each (state, action) leads to one place, every state
/// can be reached from a starting state. Used by each lifecycle's tests.
#[cfg(test)]
pub(crate) fn check_table<S: Named, A: Named>(lifecycle: &Lifecycle<S, A>, all_states: &[S]) {
    for t in lifecycle.transitions {
        for from in t.from {
            let targets: Vec<S> = lifecycle
                .transitions
                .iter()
                .filter(|u| u.action == t.action && u.from.contains(from))
                .map(|u| u.to)
                .collect();
            assert_eq!(targets.len(), 1, "{:?} --{:?}--> is ambiguous: {targets:?}", from, t.action);
        }
    }
    let mut reached: Vec<S> = lifecycle.initial.to_vec();
    loop {
        let before = reached.len();
        for t in lifecycle.transitions {
            if t.from.iter().any(|f| reached.contains(f)) && !reached.contains(&t.to) {
                reached.push(t.to);
            }
        }
        if reached.len() == before {
            break;
        }
    }
    for s in all_states {
        assert!(reached.contains(s), "{:?} cannot be reached from {:?}", s, lifecycle.initial);
    }
    let mut names: Vec<&str> = all_states.iter().map(|s| s.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all_states.len(), "state names are unique");
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::case::{CASE, CaseAction, CaseState};
    use crate::plan::{PLAN, PlanAction, PlanState};
    use crate::referral::{REFERRAL, ReferralAction, ReferralState};

    /// Runs `picks` as actions from a starting state: every step either follows the table or is
    /// refused naming the current state and exactly the actions the table allows there.
    fn walk<S: Named, A: Named>(lifecycle: &Lifecycle<S, A>, actions: &[A], start: usize, picks: &[usize]) {
        let mut state = lifecycle.initial[start % lifecycle.initial.len()];
        for &pick in picks {
            let action = actions[pick % actions.len()];
            let expected = lifecycle.transitions.iter().find(|t| t.action == action && t.from.contains(&state));
            match (lifecycle.next(state, action), expected) {
                (Ok(next), Some(t)) => {
                    assert_eq!(next, t.to);
                    state = next;
                }
                (Err(e), None) => {
                    assert_eq!((e.entity, e.state, e.action), (lifecycle.entity, state.name(), action.name()));
                    let allowed: Vec<&str> = lifecycle.allowed(state).into_iter().map(Named::name).collect();
                    assert_eq!(e.allowed, allowed);
                    assert!(allowed.iter().all(|a| *a != action.name()));
                }
                (got, expected) => panic!("{state:?} {action:?}: got {got:?}, table says {expected:?}"),
            }
        }
    }

    proptest! {
        #[test]
        fn every_sequence_of_actions_follows_the_tables_or_is_refused_with_reasons(
            start in 0usize..4,
            picks in proptest::collection::vec(0usize..64, 0..40),
        ) {
            walk::<CaseState, CaseAction>(&CASE, CaseAction::ALL, start, &picks);
            walk::<PlanState, PlanAction>(&PLAN, PlanAction::ALL, start, &picks);
            walk::<ReferralState, ReferralAction>(&REFERRAL, ReferralAction::ALL, start, &picks);
        }
    }
}
