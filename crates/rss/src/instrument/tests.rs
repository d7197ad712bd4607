use crate::builtin::{INSTRUMENT_TOML, instrument};
use crate::{Instrument, InstrumentError, NonAnswer, QuestionKind};

fn refused(edit: impl Fn(&str) -> String) -> InstrumentError {
    Instrument::from_toml(&edit(INSTRUMENT_TOML)).expect_err("edited instrument must be refused")
}

fn assert_names(e: &InstrumentError, item: &str, words: &str) {
    let msg = e.to_string();
    assert!(msg.contains(item) && msg.contains(words), "message {msg:?} should name {item:?} and say {words:?}");
}

#[test]
fn bundled_instrument_has_the_32_questions_in_three_dimensions() {
    let inst = instrument();
    assert_eq!(inst.questions.len(), 32);
    let ids: Vec<_> = inst.questions.iter().map(|q| q.id.as_str()).collect();
    let expected: Vec<String> = (1..=32).map(|n| format!("Q{n}")).collect();
    assert_eq!(ids, expected);
    let dims: Vec<_> = inst.dimensions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(dims, ["economic", "social", "psychosocial"]);
    for q in &inst.questions {
        let n: usize = q.id[1..].parse().unwrap();
        let dim = match n {
            1..=10 => "economic",
            11..=21 => "social",
            _ => "psychosocial",
        };
        assert_eq!(inst.dimensions[q.dimension].id, dim, "{}", q.id);
    }
    assert_eq!(inst.languages, ["en", "fr"]);
}

#[test]
fn every_item_cites_its_handbook_line_in_annex_4b() {
    let inst = instrument();
    for q in &inst.questions {
        assert!((12960..=13898).contains(&q.line), "{} line {}", q.id, q.line);
    }
    for f in &inst.profile_fields {
        assert!((13110..=13134).contains(&f.line), "{} line {}", f.name, f.line);
    }
    let lines: Vec<u32> = inst.questions.iter().map(|q| q.line).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "questions follow the handbook's order");
}

#[test]
fn skip_logic_and_derived_item_are_those_of_the_handbook() {
    let inst = instrument();
    let rel = |id: &str| {
        let r = inst.question(id).unwrap().relevant.unwrap();
        let gate = &inst.questions[r.question];
        (gate.id.clone(), gate.choices[r.choice].code.clone())
    };
    assert_eq!(rel("Q10"), ("Q9".to_string(), "yes".to_string()));
    assert_eq!(rel("Q31"), ("Q30".to_string(), "no".to_string()));
    let relevant: Vec<_> = inst.questions.iter().filter(|q| q.relevant.is_some()).map(|q| &q.id).collect();
    assert_eq!(relevant, ["Q10", "Q31"]);
    let QuestionKind::Derived { mean_of } = &inst.question("Q21").unwrap().kind else { panic!("Q21 is derived") };
    let inputs: Vec<_> = mean_of.iter().map(|&i| inst.questions[i].id.as_str()).collect();
    assert_eq!(inputs, ["Q13", "Q15", "Q17", "Q18", "Q19"]);
    let unscored: Vec<_> = inst.questions.iter().filter(|q| !q.scored).map(|q| q.id.as_str()).collect();
    assert_eq!(unscored, ["Q10", "Q32"]);
    let exclusive = |id: &str| -> Vec<String> {
        inst.question(id).unwrap().choices.iter().filter(|c| c.exclusive).map(|c| c.code.clone()).collect()
    };
    assert_eq!(exclusive("Q8"), ["no", "dwa"]);
    assert_eq!(exclusive("Q32"), ["no_one"]);
}

/// The codebook of `docs/rss/codebook.csv` is the
/// reference for codes, English labels, types, weights and provisional values.
#[test]
fn instrument_and_provisional_profile_reproduce_the_codebook() {
    let inst = instrument();
    let profile = crate::builtin::provisional_profile(&inst);
    let codebook = include_str!("../../../../docs/rss/codebook.csv");
    let mut reader = csv::Reader::from_reader(codebook.as_bytes());
    let mut from_codebook = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        from_codebook.push((
            row[0].to_string(),
            row[1].to_string(),
            row[2].to_string(),
            row[3].to_string(),
            row[4].to_string(),
            row[5].to_string(),
            row[6].to_string(),
        ));
    }
    let fmt = |x: f64| if x == x.trunc() { format!("{x:.0}") } else { format!("{x}") };
    let mut from_data = Vec::new();
    for (i, q) in inst.questions.iter().enumerate() {
        let dim = inst.dimensions[q.dimension].id.clone();
        let kind = match q.kind {
            QuestionKind::SelectOne => "select_one",
            QuestionKind::SelectMultiple => "select_multiple",
            QuestionKind::Derived { .. } => "derived",
        };
        let item = profile.item(i);
        let weight = fmt(item.weight);
        if q.is_derived() {
            let label = "mean of the scores of Q13, Q15, Q17, Q18, Q19 that are not missing".to_string();
            from_data.push((q.id.clone(), dim, kind.into(), weight, String::new(), label, String::new()));
            continue;
        }
        for (c, choice) in q.choices.iter().enumerate() {
            let value = item.values.get(c).copied().flatten().map(fmt).unwrap_or_default();
            let label = choice.label.get("en").unwrap().to_string();
            from_data.push((q.id.clone(), dim.clone(), kind.into(), weight.clone(), choice.code.clone(), label, value));
        }
    }
    assert_eq!(from_data.len(), from_codebook.len());
    for (data, book) in from_data.iter().zip(&from_codebook) {
        assert_eq!(data, book);
    }
}

#[test]
fn non_answers_are_recognised_by_code_and_get_their_shared_labels() {
    let inst = instrument();
    let q3 = inst.question("Q3").unwrap();
    let dk = &q3.choices[q3.choice_index("dk").unwrap()];
    assert_eq!(dk.non_answer, Some(NonAnswer::DontKnow));
    assert_eq!(dk.label.get("fr"), Some("Je ne sais pas"));
    assert!(NonAnswer::DoNotWishToAnswer.counts_as_dk_dwa());
    assert!(!NonAnswer::NotApplicable.counts_as_dk_dwa());
}

#[test]
fn every_label_and_hint_exists_in_every_language() {
    let inst = instrument();
    for q in &inst.questions {
        for lang in &inst.languages {
            assert!(q.label.get(lang).is_some_and(|t| !t.is_empty()), "{} {lang}", q.id);
            for c in &q.choices {
                assert!(c.label.get(lang).is_some(), "{} {} {lang}", q.id, c.code);
            }
        }
    }
}

#[test]
fn a_question_in_an_undeclared_dimension_is_refused_by_name() {
    let e =
        refused(|t| t.replacen("id = \"Q7\"\ndimension = \"economic\"", "id = \"Q7\"\ndimension = \"cultural\"", 1));
    assert_names(&e, "Q7", "dimension 'cultural'");
}

#[test]
fn a_repeated_choice_code_is_refused_by_name() {
    let e = refused(|t| t.replacen("{ code = \"satisfied\",", "{ code = \"very_satisfied\",", 1));
    assert_names(&e, "Q1", "'very_satisfied' is listed twice");
}

#[test]
fn skip_logic_must_point_to_an_earlier_question_and_one_of_its_codes() {
    let e = refused(|t| {
        t.replace(
            "relevant = { question = \"Q9\", equals = \"yes\" }",
            "relevant = { question = \"Q11\", equals = \"yes\" }",
        )
    });
    assert_names(&e, "Q10", "not an earlier question");
    let e = refused(|t| {
        t.replace(
            "relevant = { question = \"Q9\", equals = \"yes\" }",
            "relevant = { question = \"Q9\", equals = \"maybe\" }",
        )
    });
    assert_names(&e, "Q10", "'maybe' is not a choice of Q9");
}

#[test]
fn a_derived_item_must_average_earlier_scored_questions() {
    let e = refused(|t| t.replace("mean_of = [\"Q13\",", "mean_of = [\"Q99\","));
    assert_names(&e, "Q21", "'Q99'");
    let e = refused(|t| t.replace("mean_of = [\"Q13\",", "mean_of = [\"Q10\","));
    assert_names(&e, "Q21", "Q10 is not a scored");
}

#[test]
fn a_missing_translation_is_refused_by_name() {
    let e = refused(|t| {
        t.replacen(", fr = \"Comment évaluez-vous la qualité du logement où vous vivez aujourd'hui ?\"", "", 1)
    });
    assert_names(&e, "Q12", "no text in fr");
}

#[test]
fn codes_must_be_usable_as_xlsform_names() {
    let e = refused(|t| t.replacen("{ code = \"ok\",", "{ code = \"o k\",", 1));
    assert_names(&e, "Q1", "'o k' must start with a letter");
}

#[test]
fn stand_alone_choices_exist_only_in_select_multiple() {
    let e = refused(|t| {
        t.replacen(
            "{ code = \"never\", en = \"Never\", fr = \"Jamais\" },",
            "{ code = \"never\", en = \"Never\", fr = \"Jamais\", exclusive = true },",
            1,
        )
    });
    assert_names(&e, "Q2", "only select_multiple");
}

#[test]
fn an_unknown_key_or_bad_syntax_is_a_syntax_error() {
    let e = refused(|t| t.replacen("id = \"Q1\"", "id = \"Q1\"\ncolour = \"red\"", 1));
    assert!(matches!(e, InstrumentError::Syntax(ref m) if m.contains("colour")), "{e}");
}
