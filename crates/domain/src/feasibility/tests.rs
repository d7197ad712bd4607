use super::*;

fn refused(edit: impl Fn(&str) -> String) -> String {
    FeasibilityGrid::from_toml(&edit(BUILTIN_TOML)).expect_err("edited grid must be refused").to_string()
}

#[test]
fn the_catalogue_holds_every_intervention_of_annex_5() {
    let grid = FeasibilityGrid::builtin();
    let count = |d: Dimension| grid.interventions.iter().filter(|i| i.dimension == d).count();
    assert_eq!((count(Dimension::Economic), count(Dimension::Social), count(Dimension::Psychosocial)), (14, 5, 10));
    for i in &grid.interventions {
        assert!((14198..=15150).contains(&i.line), "{} line {}", i.id, i.line);
    }
    let lines: Vec<u32> = grid.interventions.iter().map(|i| i.line).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "in the order of the annex");
}

#[test]
fn criteria_keep_the_grid_columns_and_its_empty_cells() {
    let grid = FeasibilityGrid::builtin();
    let cash = grid.intervention("cash_assistance").unwrap();
    let levels: Vec<CriteriaLevel> = cash.criteria.iter().map(|c| c.level).collect();
    use CriteriaLevel::*;
    assert_eq!(levels, [Individual, Individual, Individual, Community, Community, Structural]);
    assert!(cash.criteria[5].text.contains("SIM cards"));
    // Annex 5 prints "n/a" for the structural criteria of savings and credit associations.
    let savings = grid.intervention("savings_credit_associations").unwrap();
    assert!(savings.criteria.iter().all(|c| c.level != Structural));
}

#[test]
fn a_case_evaluation_needs_a_mark_per_criterion_and_reasons_for_unmet_ones() {
    let grid = FeasibilityGrid::builtin();
    let placement = grid.intervention("job_placement").unwrap();
    let mut marks: Vec<(Mark, String)> = placement.criteria.iter().map(|_| (Mark::Met, String::new())).collect();
    marks[4] = (Mark::NotMet, String::new());
    let err = Evaluation::new(placement, marks.clone()).unwrap_err();
    assert_eq!(err.to_string(), "feasibility grid, intervention 'job_placement': criterion 5 is not met: say why");
    marks[4].1 = "No employer in the district is hiring this season.".into();
    marks[6] = (Mark::Unknown, String::new());
    let evaluation = Evaluation::new(placement, marks).unwrap();
    let summary = evaluation.summary();
    assert_eq!((summary.met, summary.not_met, summary.unknown), (5, 1, 1));
    assert!(!summary.all_met());
    let err = Evaluation::new(placement, vec![(Mark::Met, String::new())]).unwrap_err();
    assert!(err.to_string().contains("1 marks given for 7 criteria"), "{err}");
}

#[test]
fn a_bad_catalogue_is_refused_naming_the_intervention() {
    let msg = refused(|t| t.replacen("dimension = \"social\"", "dimension = \"cultural\"", 1));
    assert_eq!(
        msg,
        "feasibility grid, intervention 'housing_identification': dimension 'cultural' is not one of economic, social, psychosocial"
    );
    let msg = refused(|t| t.replacen("id = \"job_placement\"", "id = \"cash_assistance\"", 1));
    assert!(msg.contains("'cash_assistance': listed twice"), "{msg}");
    let msg = refused(|t| {
        t.replacen(
            "individual = [\"The respondent is interested in participating in a self-help group.\"]\ncommunity = [\"Self-help groups are available in the community.\"]\nstructural = [\"Self-help groups are supported by national regulation.\"]",
            "individual = []\ncommunity = []\nstructural = []",
            1,
        )
    });
    assert!(msg.contains("'self_help_groups': an intervention needs at least one criterion"), "{msg}");
}
