//! Exports as KoboToolbox and ODK Central write them, read without edits by hand.

use homeward_rss::builtin;

use super::*;

fn instrument() -> Instrument {
    builtin::instrument()
}

/// The answers of `s` as `id=cell` strings, for short assertions.
fn answers(s: &Submission) -> Vec<String> {
    s.answers.iter().map(|(q, a)| format!("{q}={a}")).collect()
}

#[test]
fn a_kobo_export_with_semicolons_groups_and_meta_columns_reads_as_it_is() {
    let csv = "\u{feff}start;end;today;deviceid;username;survey_id;profile/case_id;profile/round;consent;\
               economic/Q1;economic/Q8;social/Q21;_id;_uuid;_submission_time;_index;_validation_status;__version__\n\
               2026-03-01T10:00:00.000+00:00;2026-03-01T10:40:00.000+00:00;2026-03-01;collect:abc;fatou;x1;\
               HW-2026-000025;baseline;yes;satisfied;land animals;0.5;17;aa-11;2026-03-01T11:00:00;1;;v1\n";
    let export = read(csv.as_bytes(), &instrument()).unwrap();
    assert_eq!(export.source, Source::Kobo);
    assert_eq!(export.problems, vec![]);
    let s = &export.submissions[0];
    assert_eq!((s.row, s.instance_id.as_str()), (2, "aa-11"));
    assert_eq!(s.field("case_id"), Some("HW-2026-000025"));
    assert_eq!(s.field("round"), Some("baseline"));
    assert_eq!(s.field("consent"), Some("yes"));
    assert_eq!(s.field("deviceid"), Some("collect:abc"));
    assert_eq!(s.field("username"), Some("fatou"));
    assert_eq!(s.submitted_at.as_deref(), Some("2026-03-01T11:00:00"));
    assert_eq!(answers(s), ["Q1=satisfied", "Q8=land animals"]);
    assert_eq!(s.calculated, vec![("Q21".to_string(), "0.5".to_string())], "Q21 kept apart, to compare");
}

#[test]
fn a_select_multiple_split_into_one_and_zero_columns_is_one_answer_in_the_forms_order() {
    let csv = "_uuid,profile/case_id,consent,economic/Q8/animals,economic/Q8/land,economic/Q8/no,economic/Q1\n\
               uuid:b2,HW-2026-000026,yes,1,1,0,ok\n\
               b3,HW-2026-000027,yes,0,0,0,ok\n";
    let export = read(csv.as_bytes(), &instrument()).unwrap();
    assert_eq!(answers(&export.submissions[0]), ["Q1=ok", "Q8=land animals"], "land comes first on the form");
    assert_eq!(export.submissions[0].instance_id, "b2", "the same id with or without uuid:");
    assert_eq!(answers(&export.submissions[1]), ["Q1=ok"], "nothing ticked is no answer");
}

#[test]
fn an_odk_central_export_reads_with_its_dash_joined_groups_and_key() {
    let csv = "SubmissionDate,start,end,profile-case_id,profile-round,consent,economic-Q1,economic-Q8,\
               meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status\n\
               2026-03-02T09:00:00.000Z,2026-03-02T08:00:00.000Z,2026-03-02T08:30:00.000Z,HW-2026-000030,final,yes,\
               \"very_satisfied\",\"land\",uuid:c4,uuid:c4,5,fatou,0,0,\n";
    let export = read(csv.as_bytes(), &instrument()).unwrap();
    assert_eq!(export.source, Source::OdkCentral);
    let s = &export.submissions[0];
    assert_eq!(s.instance_id, "c4");
    assert_eq!(s.field("round"), Some("final"));
    assert_eq!(s.submitted_at.as_deref(), Some("2026-03-02T09:00:00.000Z"));
    assert_eq!(answers(s), ["Q1=very_satisfied", "Q8=land"]);
}

#[test]
fn a_quoted_cell_may_hold_the_delimiter() {
    let csv = "_uuid;profile/case_id;consent;economic/Q1;profile/vulnerability_details\n\
               d5;HW-2026-000031;yes;ok;\"chronic illness; single parent\"\n";
    let export = read(csv.as_bytes(), &instrument()).unwrap();
    assert_eq!(export.problems, vec![]);
    assert_eq!(answers(&export.submissions[0]), ["Q1=ok"]);
}

#[test]
fn a_bad_row_is_named_and_the_rows_after_it_still_read() {
    let csv = "_uuid,profile/case_id,consent,economic/Q8/land\n\
               ,HW-2026-000032,yes,1\n\
               e6,HW-2026-000033,yes,maybe\n\
               e7,HW-2026-000034,yes,1\n";
    let export = read(csv.as_bytes(), &instrument()).unwrap();
    assert_eq!(
        export.problems,
        vec![
            RowProblem { row: 2, column: String::new(), problem: "has no instance id".into() },
            RowProblem {
                row: 3,
                column: "economic/Q8/land".into(),
                problem: "'maybe' is neither 1 (chosen) nor 0".into()
            },
        ]
    );
    assert_eq!(export.submissions.len(), 1);
    assert_eq!(export.submissions[0].row, 4);
}

#[test]
fn a_labels_export_or_another_file_is_refused_saying_which_export_to_choose() {
    let inst = instrument();
    let label = inst.questions[0].label.get("en").unwrap();
    let labels = format!("_uuid,Case ID,Economic dimension/{label}\nf8,HW-2026-000035,Satisfied\n");
    let err = read(labels.as_bytes(), &inst).unwrap_err();
    assert_eq!(err, ExportError::LabelsExport);
    assert!(err.to_string().contains("XML values and headers"));
    assert_eq!(read(b"name,amount\nx,1\n", &inst).unwrap_err(), ExportError::NotAnExport);
    assert!(ExportError::NotAnExport.to_string().contains("ODK Central (CSV)"), "it says which export to choose");
    assert_eq!(read(b"", &inst).unwrap_err(), ExportError::Empty);
    assert_eq!(read(b"_uuid,\xff\xfe\n", &inst).unwrap_err(), ExportError::NotUtf8(1));
}

/// The headers an export of Homeward's own form has: every field under its groups' names,
/// joined as `joiner` (`/` for KoboToolbox, `-` for ODK Central).
fn headers_of_the_form(joiner: &str) -> Vec<String> {
    let inst = instrument();
    let profile = builtin::provisional_profile(&inst);
    let form = homeward_xlsform::rss_form(&inst, &profile, &["en"], homeward_xlsform::CaseChoice::Number).unwrap();
    let survey = &form.survey;
    let kind = survey.column("type").unwrap();
    let name = survey.column("name").unwrap();
    let mut groups: Vec<String> = Vec::new();
    let mut headers = Vec::new();
    for row in &survey.rows {
        match row[kind].as_str() {
            "begin_group" => groups.push(row[name].clone()),
            "end_group" => {
                groups.pop();
            }
            _ => headers.push(groups.iter().chain([&row[name]]).cloned().collect::<Vec<_>>().join(joiner)),
        }
    }
    headers
}

#[test]
fn every_question_and_field_of_homewards_own_form_is_found_in_its_exports() {
    let inst = instrument();
    for (joiner, id_column) in [("/", "_uuid"), ("-", "KEY")] {
        let mut header = headers_of_the_form(joiner);
        header.push(id_column.to_string());
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        let columns = Columns::of(&names, &inst).unwrap();
        for q in &inst.questions {
            let i = inst.question_index(&q.id).unwrap();
            assert!(columns.columns.contains(&Column::Question(i)), "{} with `{joiner}`", q.id);
        }
        for field in FIELDS {
            assert!(columns.field(field).is_some(), "{field} with `{joiner}`: {header:?}");
        }
        assert!(columns.columns.contains(&Column::InstanceId));
    }
}

/// A Kobo export as CSV with `;`, two submissions, a 1/0 column and a date.
const KOBO_CSV: &str = "today;deviceid;profile/case_id;profile/round;consent;economic/Q1;economic/Q8/land;\
                        economic/Q8/animals;_id;_uuid;_submission_time\n\
                        2026-03-01;collect:abc;HW-2026-000025;baseline;yes;satisfied;1;0;17;aa-11;2026-03-01T11:00:00\n\
                        ;;;;;;;;;;\n\
                        2026-03-04;collect:abd;HW-2026-000026;final;yes;ok;1;1;18;aa-12;2026-03-04T09:00:00\n";

#[test]
fn a_kobo_xlsx_export_reads_as_its_csv_does_from_the_first_sheet() {
    let inst = instrument();
    let xlsx = homeward_test_support::xlsx_of_csv(KOBO_CSV, ';');
    let from_xlsx = read(&xlsx, &inst).unwrap();
    let from_csv = read(KOBO_CSV.as_bytes(), &inst).unwrap();
    assert_eq!(from_xlsx.problems, vec![]);
    assert_eq!(from_xlsx.submissions, from_csv.submissions, "numbers, dates and 1/0 cells as the CSV has them");
    let s = &from_xlsx.submissions[1];
    assert_eq!((s.row, s.field("today")), (4, Some("2026-03-04")), "the empty row counts, as in the spreadsheet");
    assert_eq!(answers(s), ["Q1=ok", "Q8=land animals"]);
}

#[test]
fn an_xlsx_export_is_read_one_row_at_a_time_and_can_be_left_half_read() {
    let inst = instrument();
    let mut csv = String::from("_uuid,profile/case_id,consent,economic/Q1\n");
    for i in 0..2000 {
        csv.push_str(&format!("u{i},HW-2026-{i:06},yes,ok\n"));
    }
    let xlsx = homeward_test_support::xlsx_of_csv(&csv, ',');
    let mut reader = open(xlsx.as_slice(), &inst).unwrap();
    assert_eq!(reader.source(), Source::Kobo);
    let first: Vec<_> = reader.by_ref().take(3).map(|s| s.unwrap().instance_id).collect();
    assert_eq!(first, ["u0", "u1", "u2"]);
    drop(reader); // the reading thread stops when nobody reads: nothing hangs
    assert_eq!(read(&xlsx, &inst).unwrap().submissions.len(), 2000);
}

#[test]
fn an_old_excel_file_a_broken_or_empty_spreadsheet_and_a_zip_bomb_are_refused() {
    let inst = instrument();
    assert_eq!(read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", &inst).unwrap_err(), ExportError::OldExcel);
    assert!(matches!(read(b"PK\x03\x04not a zip", &inst).unwrap_err(), ExportError::Xlsx(_)));
    let mut empty = rust_xlsxwriter::Workbook::new();
    empty.add_worksheet();
    assert_eq!(read(&empty.save_to_buffer().unwrap(), &inst).unwrap_err(), ExportError::Empty);
    // A file that says it unzips to 2 GB is refused before anything is unzipped.
    let mut bomb = homeward_test_support::xlsx_of_csv(KOBO_CSV, ';');
    let central = bomb.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bomb[central + 24..central + 28].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    assert_eq!(read(&bomb, &inst).unwrap_err(), ExportError::TooLarge);
}

#[test]
fn an_instance_sent_by_odk_collect_reads_as_the_same_answers_in_an_export_do() {
    let inst = instrument();
    let xml = "<?xml version='1.0'?><data xmlns:jr=\"http://openrosa.org/javarosa\" id=\"homeward_rss\" version=\"v1\">\
               <start>2026-03-01T10:00:00.000+00:00</start><deviceid>collect:abc</deviceid><profile>\
               <case_id>HW-2026-000025</case_id><round>baseline</round><community>Ngor &amp; Yoff</community></profile>\
               <consent>yes</consent><economic><Q1>satisfied</Q1><Q8>land animals</Q8><Q10/></economic>\
               <social><Q21>0.5</Q21></social><meta><instanceID>uuid:aa-11</instanceID></meta></data>";
    let s = read_instance(xml.as_bytes(), "homeward_rss", &inst).unwrap();
    assert_eq!((s.row, s.instance_id.as_str()), (1, "aa-11"), "the same id as an export's, without uuid:");
    assert_eq!((s.field("case_id"), s.field("round")), (Some("HW-2026-000025"), Some("baseline")));
    assert_eq!(s.field("deviceid"), Some("collect:abc"));
    assert_eq!(answers(&s), ["Q1=satisfied", "Q8=land animals"], "an empty element is no answer");
    assert_eq!(s.calculated, vec![("Q21".to_string(), "0.5".to_string())]);

    let other = xml.replace("id=\"homeward_rss\"", "id=\"another_form\"");
    assert!(read_instance(other.as_bytes(), "homeward_rss", &inst).unwrap_err().to_string().contains("another_form"));
    assert!(read_instance(b"<data id=\"homeward_rss\"><consent>yes", "homeward_rss", &inst).is_err(), "cut short");
    assert!(read_instance(b"not xml at all", "homeward_rss", &inst).is_err());
    let entity = xml.replace("&amp;", "&bogus;");
    assert!(read_instance(entity.as_bytes(), "homeward_rss", &inst).is_err(), "no entity but XML's own");
}

#[test]
fn rows_are_named_as_the_file_numbers_them_whatever_its_line_ends() {
    let inst = instrument();
    for end in ["\n", "\r\n"] {
        let csv = format!(
            "_uuid;profile/case_id;profile/round;consent;economic/Q1{end}a1;HW-2026-000001;baseline;yes;ok{end}\
             a2;HW-2026-000002;midline;yes;ok{end}a3;HW-2026-000003;final;yes;\"very_satisfied\"{end}"
        );
        let export = read(csv.as_bytes(), &inst).unwrap();
        let rows: Vec<usize> = export.submissions.iter().map(|s| s.row).collect();
        assert_eq!(rows, [2, 3, 4], "line ends {end:?}: the header is row 1");
        assert_eq!(export.submissions[1].field("round"), Some("midline"));
        assert_eq!(answers(&export.submissions[2]), ["Q1=very_satisfied"], "no \\r left in the last cell");
    }
}
