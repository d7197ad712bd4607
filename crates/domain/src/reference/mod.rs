//! Reference codes: ISO 3166-1 countries and ISO 4217 currencies (`data/reference/`), and money
//! as integer minor units of a currency, never a float.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::validate::Problem;

const COUNTRIES_CSV: &str = include_str!("../../../../data/reference/countries.csv");
const CURRENCIES_CSV: &str = include_str!("../../../../data/reference/currencies.csv");
const COUNTRY_NAMES_CSV: &str = include_str!("../../../../data/reference/country-names.csv");

/// A wrong code or amount, with the value and what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.message)]
pub struct ReferenceError(Problem);

impl ReferenceError {
    /// The problem, with its code and parameters.
    pub fn problem(&self) -> Problem {
        self.0.clone()
    }
}

struct Tables {
    countries: HashMap<[u8; 2], String>,
    /// Every name and three-letter code of a country, folded (`senegal`, `sen`, `republique du
    /// senegal`), to read a country written out.
    by_name: HashMap<String, [u8; 2]>,
    currencies: HashMap<[u8; 3], (u8, String)>,
}

/// The tables, read once from the embedded files (checked by the tests).
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let rows = |text: &'static str| {
            csv::Reader::from_reader(text.as_bytes())
                .into_records()
                .map(|r| r.expect("reference files are valid CSV (tested)"))
                .collect::<Vec<_>>()
        };
        let code = |text: &str| -> [u8; 2] { text.as_bytes().try_into().expect("two-letter codes (tested)") };
        let countries: HashMap<[u8; 2], String> =
            rows(COUNTRIES_CSV).iter().map(|r| (code(&r[0]), r[3].to_string())).collect();
        let by_name = rows(COUNTRIES_CSV)
            .iter()
            .flat_map(|r| [(crate::search::fold(&r[3]), code(&r[0])), (crate::search::fold(&r[1]), code(&r[0]))])
            .chain(rows(COUNTRY_NAMES_CSV).iter().map(|r| (crate::search::fold(&r[2]), code(&r[0]))))
            .collect();
        let currencies = rows(CURRENCIES_CSV)
            .into_iter()
            .map(|r| {
                let code = r[0].as_bytes().try_into().expect("three-letter codes (tested)");
                (code, (r[1].parse().expect("minor units are digits (tested)"), r[2].to_string()))
            })
            .collect();
        Tables { countries, by_name, currencies }
    })
}

/// Every country of the reference list as (code, English short name), by name: for pickers.
pub fn countries() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<(&'static str, &'static str)> = tables()
        .countries
        .iter()
        .map(|(code, name)| (std::str::from_utf8(code).expect("ASCII letters"), name.as_str()))
        .collect();
    all.sort_by(|a, b| a.1.cmp(b.1));
    all
}

/// An ISO 3166-1 alpha-2 country code from the reference list (`SN`, `AF`, `XK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII letters")
    }

    /// The English short name (`Senegal`).
    pub fn name(&self) -> &'static str {
        tables().countries[&self.0].as_str()
    }

    /// A country as a spreadsheet may hold it: its two- or three-letter code, or its name in
    /// English or French, whatever the case and accents (`SN`, `SEN`, `Senegal`, `Sénégal`,
    /// `République du Sénégal`).
    pub fn from_code_or_name(text: &str) -> Option<CountryCode> {
        if let Ok(code) = text.parse() {
            return Some(code);
        }
        tables().by_name.get(&crate::search::fold(text)).map(|code| CountryCode(*code))
    }
}

impl FromStr for CountryCode {
    type Err = ReferenceError;

    /// Accepts any case and surrounding spaces (`sn`, ` SN `); stores capitals.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let code = text.trim().to_ascii_uppercase();
        let bytes: [u8; 2] = code.as_bytes().try_into().map_err(|_| {
            ReferenceError(crate::problem!(
                "country_shape",
                "country code '{code}' must be two letters (ISO 3166-1 alpha-2, such as SN)",
                code = text
            ))
        })?;
        if tables().countries.contains_key(&bytes) {
            Ok(CountryCode(bytes))
        } else {
            Err(ReferenceError(crate::problem!(
                "country_unknown",
                "country code '{code}' is not an ISO 3166-1 alpha-2 code",
                code = text
            )))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ISO 4217 currency in use, with the number of its minor units (EUR 2, XOF 0, KWD 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.code).expect("ASCII letters")
    }

    /// Digits after the decimal point.
    pub fn minor_units(&self) -> u8 {
        self.minor_units
    }

    pub fn name(&self) -> &'static str {
        tables().currencies[&self.code].1.as_str()
    }
}

impl FromStr for Currency {
    type Err = ReferenceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let code = text.trim().to_ascii_uppercase();
        let bytes: [u8; 3] = code.as_bytes().try_into().map_err(|_| {
            ReferenceError(crate::problem!(
                "currency_shape",
                "currency '{code}' must be three letters (ISO 4217, such as EUR)",
                code = text
            ))
        })?;
        let (minor_units, _) = tables().currencies.get(&bytes).ok_or_else(|| {
            ReferenceError(crate::problem!(
                "currency_unknown",
                "currency '{code}' is not an ISO 4217 currency in use",
                code = text
            ))
        })?;
        Ok(Currency { code: bytes, minor_units: *minor_units })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in minor units of a currency (cents for EUR): exact, never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    /// Reads a decimal amount (`1250`, `12.5`, `-3.10`) exactly. More decimals than the currency
    /// has, separators or exponents are refused with a message naming the amount.
    pub fn parse(amount: &str, currency: Currency) -> Result<Money, ReferenceError> {
        let text = amount.trim();
        let bad = |code: &'static str, why: &str| {
            ReferenceError(Problem::new(
                code,
                &format!("amount '{{amount}}' {why}"),
                vec![("amount", amount.to_string())],
            ))
        };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad("amount_not_a_number", "is not a number like 1250 or 12.50"));
        }
        if digits.contains('.') && fraction.is_empty() {
            return Err(bad("amount_no_decimals", "has a decimal point but no decimals"));
        }
        let places = usize::from(currency.minor_units);
        if fraction.len() > places {
            return Err(ReferenceError(crate::problem!(
                "amount_too_precise",
                "amount '{amount}' has more decimals than {currency} has ({places})",
                amount = amount,
                currency = currency,
                places = places
            )));
        }
        let scale = 10i64.pow(u32::from(currency.minor_units));
        let fraction_value = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<places$}").parse::<i64>().map_err(|_| bad("amount_too_long", "is too long"))?
        };
        let minor = whole
            .parse::<i64>()
            .ok()
            .and_then(|w| w.checked_mul(scale))
            .and_then(|w| w.checked_add(fraction_value))
            .ok_or_else(|| bad("amount_too_large", "is too large"))?;
        Ok(Money { minor: if negative { -minor } else { minor }, currency })
    }

    /// The sum, in the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, ReferenceError> {
        if self.currency != other.currency {
            return Err(ReferenceError(crate::problem!(
                "different_currencies",
                "cannot add {other} to {this}: different currencies",
                other = other.currency,
                this = self.currency
            )));
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or_else(|| ReferenceError(crate::problem!("sum_too_large", "the sum is too large")))?;
        Ok(Money { minor, currency: self.currency })
    }
}

/// The total of each currency among `amounts`, in the order currencies first appear: exact, in
/// minor units. A currency whose total would overflow has `None`, never a wrong figure.
pub fn totals(amounts: impl IntoIterator<Item = Money>) -> Vec<(Currency, Option<Money>)> {
    let mut sums: Vec<(Currency, Option<Money>)> = vec![];
    for money in amounts {
        match sums.iter_mut().find(|(c, _)| *c == money.currency) {
            Some((_, sum)) => *sum = sum.and_then(|s| s.checked_add(money).ok()),
            None => sums.push((money.currency, Some(money))),
        }
    }
    sums
}

impl Money {
    /// The amount with its currency's decimals and without its code (`12.50`, `12`, `-1.005`).
    pub fn amount_text(&self) -> String {
        let places = u32::from(self.currency.minor_units);
        let scale = 10u64.pow(places);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if places == 0 {
            format!("{sign}{abs}")
        } else {
            format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = places as usize)
        }
    }
}

impl fmt::Display for Money {
    /// `12.50 EUR`, `12 XOF`, `-1.005 KWD`: plain digits; locales format for people.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_text(), self.currency)
    }
}

/// Codes travel as their text (`"SN"`, `"EUR"`), read back through `FromStr`, so an unknown code
/// is refused when a request or a row is read.
macro_rules! serde_as_code {
    ($($ty:ty),+) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )+};
}

serde_as_code!(CountryCode, Currency);

#[cfg(test)]
mod tests;
