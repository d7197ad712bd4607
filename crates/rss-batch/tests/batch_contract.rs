//! The batch file contract of docs/rss/SCORING.md, as seen from outside: CSV text in, CSV text out.

use homeward_rss_batch::{BatchError, OUTPUT_COLUMNS, Options, score_csv};
use proptest::prelude::*;

mod common;

use common::*;

#[test]
fn output_has_the_contract_columns_one_row_per_input_row_in_order() {
    let cols = columns();
    let input = file(&[
        row(&cols, "A", "yes", &[]),
        row(&cols, "B", "no", &[]),
        row(&cols, "C", "yes", &[("Q8", "land no")]),
        row(&cols, "D", "yes", &[("Q2", "very_often"), ("Q3", "dk")]),
    ]);
    let (out, summary) = run(&input).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], OUTPUT_COLUMNS.join(","));
    assert_eq!(
        lines[0],
        "survey_id,status,reason,economic,social,psychosocial,composite,economic_band,social_band,psychosocial_band,composite_band,dk_dwa_count,low_accuracy,profile"
    );
    assert_eq!(lines[1], "A,scored,,1,1,1,1,light,light,light,light,0,false,rss-provisional-1");
    assert_eq!(lines[2], "B,discarded,consent: 'no' is not 'yes',,,,,,,,,,false,rss-provisional-1");
    assert_eq!(
        lines[3],
        "C,invalid,Q8: 'no' stands alone but 'land no' combines it with other answers,,,,,,,,,,false,rss-provisional-1"
    );
    // D: economic = (7 + 2 × 0) / 9 with Q3 missing; composite = (7 + 11 + 11) / 31.
    let d =
        format!("D,scored,,{},1,1,{},light,light,light,light,1,false,rss-provisional-1", 7.0f64 / 9.0, 29.0f64 / 31.0);
    assert_eq!(lines[4], d);
    assert_eq!(lines.len(), 5);
    assert_eq!((summary.rows, summary.scored, summary.discarded, summary.invalid), (4, 2, 1, 1));
    assert_eq!(summary.composite_bands, [0, 0, 2]);
    assert_eq!(summary.exit_code(), 1);
}

#[test]
fn a_file_of_scored_and_discarded_rows_exits_0() {
    let cols = columns();
    let (_, summary) = run(&file(&[row(&cols, "A", "yes", &[]), row(&cols, "B", "yes", &[("Q4", "")])])).unwrap();
    assert_eq!((summary.scored, summary.discarded, summary.exit_code()), (1, 1, 0));
}

#[test]
fn scores_are_written_in_full_precision() {
    let cols = columns();
    let (out, _) =
        run(&file(&[row(&cols, "A", "yes", &[("Q13", "very_poor"), ("Q15", "poor"), ("Q17", "poor")])])).unwrap();
    let social: f64 = out.lines().nth(1).unwrap().split(',').nth(4).unwrap().parse().unwrap();
    // Q21 = (0 + .25 + .25 + 1 + 1) / 5 = 0.5; social = (7 × 1 + 0 + .25 + .25 + 0.5) / 11 = 8/11.
    assert_eq!(social, 8.0 / 11.0);
    assert!(out.contains(",0.7272727272727273,"), "{out}");
}

#[test]
fn survey_ids_must_be_present_and_unique() {
    let cols = columns();
    let input = file(&[
        row(&cols, "S1", "yes", &[]),
        row(&cols, "  ", "yes", &[]),
        row(&cols, "S1", "yes", &[]),
        row(&cols, " S1 ", "no", &[]),
    ]);
    let (out, summary) = run(&input).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[2].starts_with(",invalid,survey_id: empty,"), "{}", lines[2]);
    assert!(lines[3].starts_with("S1,invalid,survey_id: 'S1' is already used on row 2,"), "{}", lines[3]);
    assert!(lines[4].starts_with("S1,invalid,survey_id: 'S1' is already used on row 2,"), "{}", lines[4]);
    assert_eq!((summary.scored, summary.invalid), (1, 3));
}

#[test]
fn a_duplicate_id_is_found_across_chunks_and_threads() {
    let cols = columns();
    let mut rows: Vec<String> = (0..500).map(|i| row(&cols, &format!("S{i}"), "yes", &[])).collect();
    rows.push(row(&cols, "S7", "yes", &[]));
    let opts = Options { threads: 3, chunk_size: 512, progress: None };
    let (out, summary) = run_with(&file(&rows), &opts).unwrap();
    assert_eq!(out.lines().count(), 502);
    assert!(out.lines().last().unwrap().starts_with("S7,invalid,survey_id: 'S7' is already used on row 9,"));
    assert_eq!(summary.invalid, 1);
}

/// An output that takes `room` bytes, then fails as a full disk does.
struct FullDisk {
    room: usize,
}

impl std::io::Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::other("no space left on device"));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_output_that_fails_stops_the_batch_with_its_own_error() {
    let cols = columns();
    let rows: Vec<String> = (0..5000).map(|i| row(&cols, &format!("S{i}"), "yes", &[])).collect();
    let input = file(&rows);
    for room in [0, 100, 200_000] {
        let opts = Options { threads: 3, chunk_size: 4096, progress: None };
        let err = score_csv(&scorer(), input.as_bytes(), FullDisk { room }, &opts).unwrap_err();
        assert!(
            matches!(&err, BatchError::Write(e) if e.to_string() == "no space left on device"),
            "room {room}: {err}"
        );
    }
}

#[test]
fn a_row_with_more_or_fewer_fields_is_invalid_naming_the_counts() {
    let cols = columns();
    let good = row(&cols, "A", "yes", &[]);
    let input = file(&[format!("{good},extra"), "B,yes,very_satisfied".to_string(), good.clone()]);
    let (out, summary) = run(&input).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], "A,invalid,row has 34 fields but the header has 33,,,,,,,,,,false,rss-provisional-1");
    assert_eq!(lines[2], "B,invalid,row has 3 fields but the header has 33,,,,,,,,,,false,rss-provisional-1");
    // The ragged row's id still counts as used.
    assert!(lines[3].starts_with("A,invalid,survey_id: 'A' is already used on row 2"), "{}", lines[3]);
    assert_eq!(summary.invalid, 3);
}

#[test]
fn a_q21_column_may_be_present_but_must_be_empty() {
    let mut cols = columns();
    cols.push("Q21".into());
    let mut text = cols.join(",");
    text.push('\n');
    text.push_str(&row(&cols, "A", "yes", &[]));
    text.push('\n');
    text.push_str(&row(&cols, "B", "yes", &[("Q21", "0.8")]));
    let (out, _) = run(&text).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].starts_with("A,scored,"));
    assert!(lines[2].starts_with("B,invalid,\"Q21: '0.8' given, but Q21 is computed"), "{}", lines[2]);
}

#[test]
fn other_columns_are_ignored_even_with_quotes_and_line_breaks() {
    let mut cols = columns();
    cols.insert(1, "notes".into());
    let mut text = cols.join(",");
    text.push('\n');
    text.push_str(&row(&cols, "A", "yes", &[("notes", "met at \"home\",\ntwo lines")]));
    let (out, summary) = run(&text).unwrap();
    assert_eq!(summary.scored, 1, "{out}");
}

#[test]
fn byte_order_mark_crlf_and_spaces_around_names_are_accepted() {
    let cols = columns();
    let header: Vec<String> = cols.iter().map(|c| format!(" {c} ")).collect();
    let text = format!("\u{feff}{}\r\n{}\r\n", header.join(","), row(&cols, "A", "yes", &[("Q1", "  satisfied ")]));
    let (out, summary) = run(&text).unwrap();
    assert_eq!(summary.scored, 1, "{out}");
}

#[test]
fn a_missing_required_column_is_refused_naming_it() {
    let cols: Vec<String> = columns().into_iter().filter(|c| c != "Q17").collect();
    let text = format!("{}\n{}\n", cols.join(","), row(&cols, "A", "yes", &[]));
    let err = run(&text).unwrap_err();
    assert!(matches!(&err, BatchError::MissingColumn(c) if c == "Q17"));
    assert!(err.to_string().contains("'Q17'"));
    let lower: Vec<String> = columns().iter().map(|c| c.replace("consent", "Consent")).collect();
    assert!(matches!(run(&format!("{}\n", lower.join(","))), Err(BatchError::MissingColumn(c)) if c == "consent"));
}

#[test]
fn a_column_given_twice_is_refused() {
    let mut cols = columns();
    cols.push("Q5".into());
    let err = run(&format!("{}\n", cols.join(","))).unwrap_err();
    assert_eq!(err.to_string(), "the header has column 'Q5' twice (columns 7 and 34)");
}

#[test]
fn an_empty_file_is_refused() {
    assert!(matches!(run(""), Err(BatchError::Empty)));
    assert!(matches!(run("\n\n"), Err(BatchError::Empty)));
}

#[test]
fn a_file_that_is_not_utf8_is_refused_naming_the_row() {
    let cols = columns();
    let mut bytes = file(&[row(&cols, "A", "yes", &[]), row(&cols, "B", "yes", &[])]).into_bytes();
    let at = bytes.iter().rposition(|&b| b == b'B').unwrap();
    bytes[at] = 0xE9; // Latin-1 "é"
    let mut out = Vec::new();
    let err = score_csv(&scorer(), &bytes[..], &mut out, &Options::default()).unwrap_err();
    assert_eq!(err.to_string(), "row 3: not UTF-8 text (column 1); save the file as CSV UTF-8");
}

#[test]
fn a_header_only_file_gives_a_header_only_output() {
    let (out, summary) = run(&file(&[])).unwrap();
    assert_eq!(out, format!("{}\n", OUTPUT_COLUMNS.join(",")));
    assert_eq!((summary.rows, summary.exit_code()), (0, 0));
}

#[test]
fn blank_lines_are_skipped() {
    let cols = columns();
    let text = format!("{}\n\n{}\n\n", cols.join(","), row(&cols, "A", "yes", &[]));
    assert_eq!(run(&text).unwrap().1.rows, 1);
}

#[test]
fn ids_and_reasons_with_commas_or_quotes_are_quoted_in_the_output() {
    let cols = columns();
    let (out, _) = run(&file(&[row(&cols, "id, \"x\"", "yes", &[("Q1", "a,b")])])).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rec = reader.records().next().unwrap().unwrap();
    assert_eq!(rec.len(), 14);
    assert_eq!(&rec[0], "id, \"x\"");
    assert_eq!(&rec[2], "Q1: 'a,b' is not an answer code");
}

#[test]
fn progress_is_reported_as_rows_are_written() {
    let cols = columns();
    let rows: Vec<String> = (0..200).map(|i| row(&cols, &format!("S{i}"), "yes", &[])).collect();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = |p: homeward_rss_batch::Progress| seen.lock().unwrap().push(p.rows);
    let opts = Options { threads: 2, chunk_size: 4096, progress: Some(&report) };
    run_with(&file(&rows), &opts).unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() > 1 && seen.windows(2).all(|w| w[0] < w[1]) && *seen.last().unwrap() == 200, "{seen:?}");
}

// ------------------------------------------------------------ properties

/// A generated row: survey id, consent, answers changed from the best ones.
type GeneratedRow = (String, String, Vec<(&'static str, &'static str)>);

fn any_rows() -> impl Strategy<Value = Vec<GeneratedRow>> {
    let change = prop_oneof![
        Just(("Q1", "ok")),
        Just(("Q2", "")),
        Just(("Q3", "dk")),
        Just(("Q8", "land no")),
        Just(("Q8", "animals trees")),
        Just(("Q9", "yes")),
        Just(("Q10", "other")),
        Just(("Q13", "nope")),
        Just(("Q30", "no")),
        Just(("Q31", "need")),
        Just(("Q25", "very_unsafe")),
        Just(("Q32", "no_one")),
        Just(("Q20", "dwa")),
    ];
    proptest::collection::vec(
        (
            "[A-D][0-9]",
            prop_oneof![Just("yes".to_string()), Just("no".to_string())],
            proptest::collection::vec(change, 0..4),
        ),
        0..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn column_order_does_not_change_the_output(rows in any_rows(), seed in any::<u64>()) {
        let cols = columns();
        let mut shuffled = cols.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let build = |cols: &[String]| {
            let mut text = cols.join(",");
            for (id, consent, changes) in &rows {
                text.push('\n');
                text.push_str(&row(cols, id, consent, changes));
            }
            text
        };
        let (a, sa) = run(&build(&cols)).unwrap();
        let (b, sb) = run(&build(&shuffled)).unwrap();
        prop_assert_eq!(a, b);
        prop_assert_eq!(sa, sb);
    }

    #[test]
    fn chunk_size_and_threads_do_not_change_the_output(rows in any_rows(), chunk in 1usize..3000, threads in 1usize..4) {
        let cols = columns();
        let text = file(&rows.iter().map(|(id, c, ch)| row(&cols, id, c, ch)).collect::<Vec<_>>());
        let (a, _) = run(&text).unwrap();
        let (b, _) = run_with(&text, &Options { threads, chunk_size: chunk, progress: None }).unwrap();
        prop_assert_eq!(a, b);
    }
}
