//! Message catalogues (`data/i18n/*.toml`): every string of the UI, per language. A language is
//! added by adding a catalogue; its `direction` (`ltr` or `rtl`) sets the page's layout.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use homeward_domain::validate::FieldError;
use serde::Deserialize;

const CATALOGUES: &[(&str, &str)] =
    &[("en", include_str!("../../../data/i18n/en.toml")), ("fr", include_str!("../../../data/i18n/fr.toml"))];

/// The messages of one language.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    #[serde(skip)]
    pub code: String,
    /// The language's own name, for the language menu.
    pub language: String,
    /// `ltr` or `rtl`.
    pub direction: String,
    /// How a date is written: `{day}`, `{month}` (a name from `months`) and `{year}`.
    date_format: String,
    months: [String; 12],
    /// The decimal separator of numbers (`.` or `,`).
    decimal_separator: String,
    messages: BTreeMap<String, String>,
    /// The domain's problem messages (which are English) in this language: the English text
    /// with `{}` for each varying part, and its translation with the parts in the same order.
    #[serde(default)]
    problems: BTreeMap<String, String>,
    /// Problems by their code (`too_long`), `{name}` standing for each parameter of the problem.
    #[serde(default)]
    problem_codes: BTreeMap<String, String>,
}

impl Catalogue {
    /// The message `key`; the key itself when missing, so a gap shows instead of breaking a page
    /// (and the tests refuse gaps).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.get(key).map_or(key, String::as_str)
    }

    /// Whether the catalogue has the message `key`.
    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// A stored name (`in_assistance`) as shown: the message `prefix_name`.
    pub fn named<'a>(&'a self, prefix: &str, name: &'a str) -> &'a str {
        match self.messages.get(&format!("{prefix}_{name}")) {
            Some(text) => text,
            None => name,
        }
    }
}

impl Catalogue {
    /// A date as this language writes it (`25 Nov 2026`, `25 nov. 2026`).
    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        use chrono::Datelike;
        self.date_format
            .replace("{day}", &date.day().to_string())
            .replace("{month}", &self.months[date.month0() as usize])
            .replace("{year}", &date.year().to_string())
    }

    /// A date kept as ISO text, written as this language writes it; other text as it is.
    pub fn date_text(&self, text: &str) -> String {
        text.get(..10).and_then(|d| d.parse().ok()).map_or_else(|| text.to_string(), |d| self.date(&d))
    }

    /// A number with `decimals` decimals and this language's separator; a dash for a figure
    /// that has no value (a test statistic of a group whose changes are all equal).
    pub fn number(&self, value: &f64, decimals: usize) -> String {
        if !value.is_finite() {
            return "–".to_string();
        }
        format!("{value:.decimals$}").replace('.', &self.decimal_separator)
    }

    /// "Field: problem", as this language writes it (French puts a space before the colon).
    pub fn field_said(&self, field: &str, problem: &str) -> String {
        self.get("field_and_problem").replace("{field}", field).replace("{problem}", problem)
    }

    /// A field's problem in this language: by its code and parameters when the catalogue has
    /// the code; else, for a problem said only in words, as [`Catalogue::problem`] finds it.
    pub fn field_problem(&self, e: &FieldError) -> String {
        match self.problem_codes.get(&e.code) {
            Some(template) => e
                .params
                .iter()
                .fold(template.clone(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value)),
            None => self.problem(&e.message),
        }
    }

    /// A problem said only in words (in English), in this language when the catalogue has its
    /// pattern; otherwise as it is, so nothing is hidden.
    pub fn problem(&self, message: &str) -> String {
        self.problems
            .iter()
            .find_map(|(pattern, translation)| {
                let parts = match_pattern(pattern, message)?;
                let mut out = String::new();
                let mut parts = parts.into_iter();
                let mut pieces = translation.split("{}");
                out.push_str(pieces.next().unwrap_or(""));
                for piece in pieces {
                    out.push_str(parts.next().unwrap_or(""));
                    out.push_str(piece);
                }
                Some(out)
            })
            .unwrap_or_else(|| message.to_string())
    }
}

/// The varying parts of `message` if it has the shape of `pattern` (`{}` matches any text).
fn match_pattern<'m>(pattern: &str, message: &'m str) -> Option<Vec<&'m str>> {
    let mut literals = pattern.split("{}");
    let first = literals.next()?;
    let mut rest = message.strip_prefix(first)?;
    let mut parts = Vec::new();
    let literals: Vec<&str> = literals.collect();
    for (i, literal) in literals.iter().enumerate() {
        let at = if i + 1 == literals.len() {
            // The last literal ends the message.
            if !rest.ends_with(literal) {
                return None;
            }
            rest.len() - literal.len()
        } else {
            rest.find(literal)?
        };
        parts.push(&rest[..at]);
        rest = &rest[at + literal.len()..];
    }
    if literals.is_empty() && !rest.is_empty() {
        return None;
    }
    Some(parts)
}

fn all() -> &'static [Catalogue] {
    static ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
    ALL.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(code, text)| {
                let mut c: Catalogue = toml::from_str(text).expect("catalogues are valid (tested)");
                c.code = code.to_string();
                c
            })
            .collect()
    })
}

/// The catalogue of `code`, or English.
pub fn catalogue(code: &str) -> &'static Catalogue {
    let all = all();
    all.iter().find(|c| c.code == code).unwrap_or(&all[0])
}

/// Every language code, English first.
pub fn languages() -> impl Iterator<Item = &'static str> {
    all().iter().map(|c| c.code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_has_every_key_of_the_english_one_and_no_other() {
        let en: Vec<&String> = catalogue("en").messages.keys().collect();
        for c in all() {
            let keys: Vec<&String> = c.messages.keys().collect();
            assert_eq!(keys, en, "catalogue {}", c.code);
            assert!(c.messages.values().all(|v| !v.trim().is_empty()), "catalogue {} has an empty message", c.code);
            assert!(["ltr", "rtl"].contains(&c.direction.as_str()));
        }
    }

    #[test]
    fn problems_are_translated_with_their_varying_parts_kept() {
        let fr = catalogue("fr");
        assert_eq!(fr.problem("is required"), "est obligatoire");
        assert_eq!(fr.problem("is longer than 200 characters"), "dépasse 200 caractères");
        assert_eq!(
            fr.problem("1990-01-01 is before date_of_birth (1995-05-05)"),
            "1990-01-01 est avant date_of_birth (1995-05-05)"
        );
        assert_eq!(fr.problem("something new"), "something new");
        assert_eq!(catalogue("en").problem("is required"), "is required");
    }

    #[test]
    fn every_translated_problem_keeps_every_varying_part() {
        for c in all() {
            for (pattern, translation) in &c.problems {
                assert_eq!(
                    pattern.matches("{}").count(),
                    translation.matches("{}").count(),
                    "{}: {pattern} -> {translation}",
                    c.code
                );
                assert!(!pattern.contains("{}{}"), "{pattern}: two varying parts must be separated");
            }
        }
    }

    /// Every problem the code can name (`problem!` with its code and template in the workspace's
    /// sources, and the amount problems of `reference`), with its English template.
    fn problems_in_sources() -> Vec<(String, String)> {
        fn literal(text: &str) -> Option<(String, &str)> {
            let rest = text.trim_start().strip_prefix('"')?;
            let end = rest.find('"')?;
            Some((rest[..end].to_string(), &rest[end + 1..]))
        }
        let mut found = Vec::new();
        let mut files = vec![homeward_test_support::workspace_root().join("crates")];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (marker, prefix) in [("problem!(", ""), ("bad(", "amount '{amount}' ")] {
                for (at, _) in source.match_indices(marker) {
                    let Some((code, rest)) = literal(&source[at + marker.len()..]) else { continue };
                    let Some((template, _)) = rest.trim_start().strip_prefix(',').and_then(literal) else { continue };
                    if code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                        && !code.is_empty()
                    {
                        found.push((code, format!("{prefix}{template}")));
                    }
                }
            }
        }
        found
    }

    fn placeholders(text: &str) -> Vec<String> {
        let mut names: Vec<String> =
            text.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string())).collect();
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn every_problem_code_has_a_french_translation_with_the_same_parameters() {
        let fr = catalogue("fr");
        let problems = problems_in_sources();
        assert!(problems.len() > 50, "the scan finds the problems: {}", problems.len());
        for (code, template) in &problems {
            let translation = fr.problem_codes.get(code).unwrap_or_else(|| panic!("fr has no problem `{code}`"));
            assert_eq!(placeholders(translation), placeholders(template), "{code}: {template} -> {translation}");
        }
        // An invalid survey's reasons: the scorer's own codes and parameters.
        use homeward_rss::Reason;
        let (q, v, c) = (|| "Q8".to_string(), || "land no".to_string(), || "no".to_string());
        let reasons = [
            Reason::UnknownCode { question: q(), value: v() },
            Reason::CodeOfAnotherQuestion { question: q(), value: v() },
            Reason::SeveralAnswers { question: q(), value: v() },
            Reason::NotStandAlone { question: q(), code: c(), value: v() },
            Reason::RepeatedCode { question: q(), code: c(), value: v() },
            Reason::NotAsked { question: q(), value: v(), gate: "Q9".into(), gate_code: "yes".into() },
            Reason::DerivedAnswered { question: q(), value: v() },
        ];
        for reason in &reasons {
            let translation =
                fr.problem_codes.get(reason.kind()).unwrap_or_else(|| panic!("fr has no `{}`", reason.kind()));
            let mut names: Vec<String> = reason.params().into_iter().map(|(n, _)| n.to_string()).collect();
            names.sort();
            assert_eq!(placeholders(translation), names, "{}", reason.kind());
        }
        for code in fr.problem_codes.keys() {
            let named = problems.iter().any(|(c, _)| c == code) || reasons.iter().any(|r| r.kind() == code);
            assert!(named, "fr translates `{code}`, which nothing names");
        }
    }

    #[test]
    fn a_problem_is_translated_by_its_code_and_parameters() {
        let fr = catalogue("fr");
        let e = FieldError::of(
            "notes",
            homeward_domain::problem!("too_long", "is longer than {max} characters", max = 200),
        );
        assert_eq!(e.message, "is longer than 200 characters");
        assert_eq!(fr.field_problem(&e), "dépasse 200 caractères");
        assert_eq!(catalogue("en").field_problem(&e), "is longer than 200 characters");
        let words = FieldError::new("x", "something new");
        assert_eq!(fr.field_problem(&words), "something new");
    }

    #[test]
    fn dates_and_numbers_are_written_per_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(catalogue("en").date(&d), "5 Nov 2026");
        assert_eq!(catalogue("fr").date(&d), "5 nov. 2026");
        assert_eq!(catalogue("fr").date_text("2026-11-05T10:00:00Z"), "5 nov. 2026");
        assert_eq!(catalogue("fr").date_text("—"), "—");
        assert_eq!(catalogue("en").number(&0.6251, 2), "0.63");
        assert_eq!(catalogue("fr").number(&0.6251, 2), "0,63");
        assert_eq!(catalogue("en").number(&f64::NAN, 2), "–", "no figure, not `NaN`");
    }

    #[test]
    fn the_analyses_refusals_are_said_in_french_with_their_names_kept() {
        let fr = catalogue("fr");
        assert_eq!(
            fr.problem("`income` is not a variable; variables: age, sex"),
            "`income` n'est pas une variable ; variables : age, sex"
        );
        assert_eq!(
            fr.problem("return_type `forced` has 3 returnees in this model, fewer than the minimum of 5: its coefficient would describe them. Leave return_type out, or choose a longer period"),
            "return_type `forced` : 3 personnes dans ce modèle, moins que le minimum de 5 ; son coefficient les décrirait. Retirez return_type du modèle, ou choisissez une période plus longue"
        );
        assert_eq!(
            fr.problem(
                "the model's terms are linearly dependent: age can be computed from the terms before them; drop it"
            ),
            "les termes du modèle sont linéairement dépendants : age se calcule à partir des termes qui le précèdent ; retirez-le"
        );
    }

    #[test]
    fn messages_are_looked_up_by_language_with_english_as_the_fallback() {
        assert_eq!(catalogue("fr").get("sign_in"), "Se connecter");
        assert_eq!(catalogue("xx").get("sign_in"), "Sign in");
        assert_eq!(catalogue("fr").named("status", "in_assistance"), "en assistance");
        assert_eq!(catalogue("fr").named("status", "unknown"), "unknown");
        assert_eq!(languages().collect::<Vec<_>>(), ["en", "fr"]);
    }

    #[test]
    fn every_state_action_sex_and_band_has_a_message() {
        use homeward_domain::Named;
        use homeward_domain::case::{CaseAction, CaseState};
        use homeward_domain::returnee::Sex;
        for c in all() {
            let names = CaseState::ALL
                .iter()
                .map(|s| ("status", s.name()))
                .chain(CaseAction::ALL.iter().map(|a| ("action", a.name())))
                .chain(Sex::ALL.iter().map(|s| ("sex", s.name())))
                .chain(["intensive", "standard", "light"].map(|b| ("band", b)))
                .chain(homeward_domain::consent::ConsentPurpose::ALL.iter().map(|p| ("purpose", p.name())))
                .chain(homeward_domain::consent::ConsentMethod::ALL.iter().map(|m| ("method", m.name())))
                .chain(homeward_domain::records::FollowUpKind::ALL.iter().map(|k| ("kind", k.name())))
                .chain(homeward_domain::records::FollowUpMode::ALL.iter().map(|m| ("mode", m.name())));
            for (prefix, name) in names {
                assert!(c.messages.contains_key(&format!("{prefix}_{name}")), "{}: no message {prefix}_{name}", c.code);
            }
        }
    }
}
