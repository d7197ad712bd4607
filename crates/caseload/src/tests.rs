//! Caseloads as field offices keep them, read without edits by hand.

use super::*;

fn read(text: &str, mapping: &str) -> Result<Vec<CaseloadRow>, CaseloadError> {
    let table = homeward_tables::open(text.as_bytes().to_vec())?;
    Ok(open(table, Mapping::parse(mapping)?)?.collect())
}

/// Each row as `row: given_name` or `row: column=code …` for short assertions.
fn summary(rows: &[CaseloadRow]) -> Vec<String> {
    rows.iter()
        .map(|r| match &r.registration {
            Ok(reg) => format!("{}: {}", r.row, reg.given_name),
            Err(problems) => {
                let p: Vec<String> = problems.iter().map(|p| format!("{}={}", p.column, p.problem.code)).collect();
                format!("{}: {}", r.row, p.join(" "))
            }
        })
        .collect()
}

const FRENCH: &str = "Prénom;Nom;Sexe;Date de naissance;Date de retour;Pays d'origine;Bureau;Téléphone;Commune\n\
                      Aminata;Diallo;F;12/03/1994;01/02/2026;Sénégal;dakar;+221 77 000 00 00;Pikine\n\
                      ;;;;;;;;\n\
                      Moussa;Sow;Homme;1990-07-01;2026-02-10;SN;dakar;;\n";

#[test]
fn french_headers_dates_and_country_names_are_read_as_registrations() {
    let rows = read(FRENCH, "").unwrap();
    assert_eq!(summary(&rows), ["2: Aminata", "4: Moussa"], "the blank row is skipped, the rows keep their numbers");
    let aminata = rows[0].registration.as_ref().unwrap();
    assert_eq!(aminata.date_of_birth.to_string(), "1994-03-12");
    assert_eq!(aminata.country_of_origin.as_str(), "SN");
    assert_eq!(aminata.profile.contacts, ["+221 77 000 00 00"]);
    assert_eq!(aminata.profile.community.as_deref(), Some("Pikine"));
    assert_eq!(rows[1].registration.as_ref().unwrap().sex.to_string(), "male");
}

#[test]
fn every_problem_of_a_row_names_its_column_and_the_next_rows_are_read() {
    let text = "given name,family name,sex,date of birth,date of return,country of origin,office\n\
                Awa,,X,31/02/1990,2020-01-01,Atlantis,dakar\n\
                Fatou,Ba,f,1990-01-01,1989-01-01,SN,dakar\n\
                Binta,Kane,f,1990-01-01,2026-01-01,GN,dakar\n";
    let rows = read(text, "").unwrap();
    assert_eq!(
        summary(&rows),
        [
            "2: family name=required sex=not_one_of_named date of birth=not_a_spreadsheet_date \
             country of origin=not_a_country",
            "3: date of return=before",
            "4: Binta",
        ]
    );
    assert_eq!(rows[0].registration.as_ref().unwrap_err()[1].problem.field, "sex");
}

#[test]
fn a_mapping_file_names_columns_gives_defaults_words_and_the_order_of_dates() {
    let text = "Name 1,Name 2,G,Born,Back,Passport,Notes\nAwa,Ba,1,03/31/1990,01/15/2026,A123,skip me\n";
    let mapping = r#"
        date_order = "month_first"
        [columns]
        "Name 1" = "given_name"
        "name 2" = "family_name"
        G = "sex"
        Born = "date_of_birth"
        Back = "date_of_return"
        Passport = "id_document"
        Notes = "ignore"
        [defaults]
        office = "thies"
        country_of_origin = "Guinée"
        [values.sex]
        "1" = "female"
    "#;
    let rows = read(text, mapping).unwrap();
    let awa = rows[0].registration.as_ref().unwrap();
    assert_eq!((awa.office.as_str(), awa.country_of_origin.as_str()), ("thies", "GN"));
    assert_eq!(awa.date_of_birth.to_string(), "1990-03-31");
    assert_eq!(awa.profile.id_document.as_deref(), Some("A123"));
}

#[test]
fn a_file_without_a_required_column_two_columns_for_one_field_or_a_bad_mapping_is_refused() {
    let err = read("given name,family name\nA,B\n", "").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no column gives sex, date_of_birth, date_of_return, country_of_origin, office: name the column in a \
         mapping file, or give every row a value in it"
    );
    let err = read("nom,nom de famille\nA,B\n", "").unwrap_err();
    assert!(matches!(err, CaseloadError::TwoColumns { .. }), "{err}");
    let err = read("nom\nA\n", "[columns]\nSurname = \"family_name\"").unwrap_err();
    assert_eq!(err.to_string(), "the mapping file names the column 'Surname', which the file does not have");
    for (mapping, says) in [
        ("[columns]\nX = \"nickname\"", "'nickname' is no field"),
        ("[values.office]\nx = \"y\"", "office has no choices"),
        ("[values.sex]\nx = \"other\"", "'other' is not a code of sex"),
        ("[defaults]\ndate_of_birth = \"soon\"", "date_of_birth: 'soon' is not a date"),
        ("colour = \"blue\"", "unknown field"),
    ] {
        let err = Mapping::parse(mapping).unwrap_err().to_string();
        assert!(err.contains(says), "{mapping}: {err}");
    }
}

#[test]
fn an_xlsx_caseload_reads_its_date_cells_and_with_a_default_office() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["First name", "Surname", "Sex", "Date of birth", "Date of return", "Country"].iter().enumerate() {
        sheet.write(0, c as u16, *h).unwrap();
    }
    let born = rust_xlsxwriter::ExcelDateTime::from_ymd(1988, 11, 5).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write(1, 0, "Ibrahima").unwrap();
    sheet.write(1, 1, "Fall").unwrap();
    sheet.write(1, 2, "male").unwrap();
    sheet.write_datetime_with_format(1, 3, &born, &format).unwrap();
    sheet.write(1, 4, "2026-03-01").unwrap();
    sheet.write(1, 5, "Senegal").unwrap();
    let table = homeward_tables::open(book.save_to_buffer().unwrap()).unwrap();
    let reader = open(table, Mapping::default().with_default("office", "dakar")).unwrap();
    assert!(reader.columns().contains(&("Country".to_string(), Some("country_of_origin"))));
    let rows: Vec<CaseloadRow> = reader.collect();
    let ibrahima = rows[0].registration.as_ref().unwrap();
    assert_eq!((ibrahima.date_of_birth.to_string().as_str(), ibrahima.office.as_str()), ("1988-11-05", "dakar"));
}
