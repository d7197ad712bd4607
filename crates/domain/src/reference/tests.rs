use super::*;

fn eur() -> Currency {
    "EUR".parse().unwrap()
}

#[test]
fn the_reference_files_are_complete_and_well_formed() {
    let t = tables();
    assert_eq!(t.countries.len(), 250);
    assert!(t.currencies.len() > 150);
    assert!(t.currencies.values().all(|(units, _)| *units <= 4));
    for country in ["AF", "SN", "GN", "ET", "IQ", "XK", "DE"] {
        assert!(country.parse::<CountryCode>().is_ok(), "{country}");
    }
}

#[test]
fn country_codes_are_read_in_any_case_and_unknown_ones_refused() {
    let sn: CountryCode = " sn ".parse().unwrap();
    assert_eq!((sn.as_str(), sn.name()), ("SN", "Senegal"));
    assert_eq!(
        "XX".parse::<CountryCode>().unwrap_err().to_string(),
        "country code 'XX' is not an ISO 3166-1 alpha-2 code"
    );
    assert!("SEN".parse::<CountryCode>().unwrap_err().to_string().contains("must be two letters"));
}

#[test]
fn a_country_written_out_is_read_by_its_code_or_name_in_english_or_french() {
    let code = |text: &str| CountryCode::from_code_or_name(text).map(|c| c.to_string());
    for text in ["SN", "sen", "Senegal", "SÉNÉGAL", "République du Sénégal", " senegal "] {
        assert_eq!(code(text).as_deref(), Some("SN"), "{text}");
    }
    assert_eq!(code("Guinée").as_deref(), Some("GN"));
    assert_eq!(code("Maroc").as_deref(), Some("MA"));
    assert_eq!(code("Côte d'Ivoire").as_deref(), Some("CI"));
    assert_eq!(code("Kosovo").as_deref(), Some("XK"));
    assert_eq!(code("Atlantis"), None);
}

#[test]
fn no_country_name_is_another_countrys_once_folded() {
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let files = [(COUNTRIES_CSV, 0, 3), (COUNTRIES_CSV, 0, 1), (COUNTRY_NAMES_CSV, 0, 2)];
    for (file, code, name) in files {
        for r in csv::Reader::from_reader(file.as_bytes()).into_records() {
            let r = r.unwrap();
            let folded = crate::search::fold(&r[name]);
            let earlier = seen.entry(folded.clone()).or_insert_with(|| r[code].to_string());
            assert_eq!(earlier, &r[code], "'{folded}' names two countries");
        }
    }
}

#[test]
fn currencies_know_their_minor_units() {
    let units = |c: &str| c.parse::<Currency>().unwrap().minor_units();
    assert_eq!((units("EUR"), units("XOF"), units("KWD"), units("JPY"), units("gnf")), (2, 0, 3, 0, 0));
    assert!("XAU".parse::<Currency>().is_err(), "gold has no minor units: not a currency for the ledger");
    assert!("EURO".parse::<Currency>().unwrap_err().to_string().contains("three letters"));
}

#[test]
fn amounts_are_read_exactly_in_minor_units() {
    let kwd: Currency = "KWD".parse().unwrap();
    let xof: Currency = "XOF".parse().unwrap();
    assert_eq!(Money::parse("12.5", eur()).unwrap().minor, 1250);
    assert_eq!(Money::parse("0.10", eur()).unwrap().minor, 10);
    assert_eq!(Money::parse("-3.1", eur()).unwrap().minor, -310);
    assert_eq!(Money::parse("1.005", kwd).unwrap().minor, 1005);
    assert_eq!(Money::parse("150000", xof).unwrap().minor, 150_000);
    for (text, why) in [
        ("12.505", "more decimals than EUR has (2)"),
        ("1,250", "not a number"),
        ("1e3", "not a number"),
        ("", "not a number"),
        ("12.", "no decimals"),
        ("99999999999999999999", "too large"),
    ] {
        let err = Money::parse(text, eur()).unwrap_err().to_string();
        assert!(err.contains(&format!("'{text}'")) && err.contains(why), "{text}: {err}");
    }
    assert!(Money::parse("10.5", xof).unwrap_err().to_string().contains("more decimals than XOF has (0)"));
}

#[test]
fn amounts_print_with_their_currencys_decimals() {
    let kwd: Currency = "KWD".parse().unwrap();
    assert_eq!(Money { minor: 1250, currency: eur() }.to_string(), "12.50 EUR");
    assert_eq!(Money { minor: -310, currency: eur() }.to_string(), "-3.10 EUR");
    assert_eq!(Money { minor: 5, currency: eur() }.to_string(), "0.05 EUR");
    assert_eq!(Money { minor: 1005, currency: kwd }.to_string(), "1.005 KWD");
    assert_eq!(Money { minor: 150_000, currency: "XOF".parse().unwrap() }.to_string(), "150000 XOF");
}

#[test]
fn sums_stay_in_one_currency() {
    let a = Money::parse("10.25", eur()).unwrap();
    let b = Money::parse("4.75", eur()).unwrap();
    assert_eq!(a.checked_add(b).unwrap().to_string(), "15.00 EUR");
    let usd = Money::parse("1", "USD".parse().unwrap()).unwrap();
    assert_eq!(a.checked_add(usd).unwrap_err().to_string(), "cannot add USD to EUR: different currencies");
    let max = Money { minor: i64::MAX, currency: eur() };
    assert!(max.checked_add(b).is_err());
}

#[test]
fn totals_are_exact_per_currency_and_an_overflow_is_no_total_rather_than_a_wrong_one() {
    let eur: Currency = "EUR".parse().unwrap();
    let xof: Currency = "XOF".parse().unwrap();
    let m = |a: &str, c| Money::parse(a, c).unwrap();
    let sums = totals([m("0.10", eur), m("5000", xof), m("0.20", eur)]);
    assert_eq!(sums, [(eur, Some(m("0.30", eur))), (xof, Some(m("5000", xof)))]);
    let huge = Money { minor: i64::MAX, currency: xof };
    let sums = totals([huge, m("1", xof), m("1.00", eur)]);
    assert_eq!(sums, [(xof, None), (eur, Some(m("1.00", eur)))]);
}
