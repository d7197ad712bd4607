//! A form sent as `multipart/form-data` (a file with its form token), read whole: the survey and
//! caseload imports' uploads.

use axum::extract::Multipart;

/// The parts of an uploaded form: (field, file name, content), in the order sent.
#[derive(Debug, Default)]
pub struct Uploaded(Vec<(String, Option<String>, Vec<u8>)>);

/// Why an upload could not be read: larger than the route allows, or cut off.
#[derive(Debug)]
pub struct TooLarge;

/// Reads every part of the form; a body over the route's limit (or broken) is `TooLarge`.
pub async fn read(mut multipart: Multipart) -> Result<Uploaded, TooLarge> {
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| TooLarge)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| TooLarge)?;
        parts.push((name, file_name, bytes.to_vec()));
    }
    Ok(Uploaded(parts))
}

impl Uploaded {
    /// A field's text (empty when absent).
    pub fn text(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|(n, _, _)| n == field)
            .map(|(_, _, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    /// A file that was chosen (not empty), with its name or `default`.
    pub fn file(&mut self, field: &str, default: &str) -> Option<(String, Vec<u8>)> {
        let i = self.0.iter().position(|(n, _, b)| n == field && !b.is_empty())?;
        let (_, name, bytes) = self.0.swap_remove(i);
        Some((name.unwrap_or_else(|| default.to_string()), bytes))
    }
}
