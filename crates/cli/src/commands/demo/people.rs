//! Synthetic returnees: names, places and offices that look like a West African programme's
//! caseload (with accents, to exercise search), and RSS answers that follow the skip logic.

use homeward_rss::{Instrument, QuestionKind};

use super::random::Random;

pub const GIVEN_FEMALE: &[&str] =
    &["Aminata", "Fatoumata", "Awa", "Mariama", "Khadija", "Ndèye", "Aïssatou", "Coumba", "Bineta", "Rokhaya"];
pub const GIVEN_MALE: &[&str] =
    &["Moussa", "Mamadou", "Ibrahima", "Ousmane", "Cheikh", "Abdoulaye", "Séydou", "Babacar", "Lamine", "Modou"];
pub const FAMILY: &[&str] =
    &["Diallo", "Ndiaye", "Sow", "Ba", "Fall", "Diop", "Sarr", "Cissé", "Touré", "Mbaye", "Guèye", "Kane"];
pub const OFFICES: &[&str] = &["dakar", "thies", "kaolack"];
pub const HOST_COUNTRIES: &[&str] = &["MA", "LY", "NE", "DZ", "ES", "IT"];
pub const PLACES: &[&str] = &["Dakar", "Thiès", "Kaolack", "Mbour", "Tambacounda"];
/// The communities of return of the Dakar office's cases.
pub const DAKAR_COMMUNITIES: &[&str] = &["Pikine", "Guédiawaye", "Rufisque"];

/// Answers to every question that is asked, in the codebook's codes: a choice at random (a
/// non-answer now and then), skip logic followed, the derived Q21 left out.
pub fn rss_answers(instrument: &Instrument, random: &mut Random) -> Vec<(String, String)> {
    let mut chosen: Vec<Option<usize>> = vec![None; instrument.questions.len()];
    let mut out = Vec::new();
    for (i, q) in instrument.questions.iter().enumerate() {
        if matches!(q.kind, QuestionKind::Derived { .. }) {
            continue;
        }
        if q.relevant.is_some_and(|r| chosen[r.question] != Some(r.choice)) {
            continue;
        }
        let answers: Vec<usize> = (0..q.choices.len()).filter(|&c| q.choices[c].non_answer.is_none()).collect();
        let pick = if random.chance(0.03) || answers.is_empty() {
            random.below(q.choices.len())
        } else {
            *random.pick(&answers)
        };
        chosen[i] = Some(pick);
        out.push((q.id.clone(), q.choices[pick].code.clone()));
    }
    out
}
