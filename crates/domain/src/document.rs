//! Documents kept with a case (issue 17 §2): consent forms, diplomas and certificates for the
//! skills assessment, receipts and handover certificates of in-kind assistance (handbook
//! L9205-9207), identity documents, a photo. What kinds there are, which file types are taken,
//! and a file's type recognised from its first bytes: never from its name or what the sender
//! declares, so a page or script renamed `receipt.jpg` is refused.

use crate::Named;
use crate::problem;
use crate::validate::FieldError;

named_enum! {
    /// What a document is, chosen when it is added.
    pub enum DocumentKind {
        /// A signed consent form (a scan or a photo of it).
        Consent = "consent",
        /// A diploma, certificate or reference for the skills assessment.
        SkillsDocument = "skills_document",
        /// A receipt for assistance paid or bought.
        AssistanceReceipt = "assistance_receipt",
        /// A certificate that in-kind assistance was handed over, signed by the returnee.
        HandoverCertificate = "handover_certificate",
        /// A passport, identity card, travel or civil document.
        IdDocument = "id_document",
        /// A photo of the returnee, a business, a delivery.
        Photo = "photo",
        Other = "other",
    }
}

named_enum! {
    /// The file types a document may have, by their media type.
    pub enum FileType {
        Pdf = "application/pdf",
        Jpeg = "image/jpeg",
        Png = "image/png",
        Webp = "image/webp",
        /// What many phone cameras save; kept and downloaded, not shown in the page.
        Heic = "image/heic",
    }
}

named_enum! {
    /// Where a document's content is kept (the deployment chooses; each document remembers).
    pub enum Storage {
        /// In the database, beside the document's row: backed up with it.
        Database = "database",
        /// A file named by the document's id in a directory the deployment names.
        Directory = "directory",
        /// An object named by the document's id in an S3-compatible store.
        S3 = "s3",
    }
}

impl FileType {
    /// The type of a file from its first bytes (its signature), or `None` when it is none of
    /// the types taken.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileType::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(FileType::Webp)
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis")
        {
            Some(FileType::Heic)
        } else {
            None
        }
    }

    /// Whether a browser shows it in a page (an image tag), rather than only downloading it.
    pub fn shows_in_page(self) -> bool {
        matches!(self, FileType::Jpeg | FileType::Png | FileType::Webp)
    }

    /// The endings a file of this type may have in its name.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &["pdf"],
            FileType::Jpeg => &["jpg", "jpeg", "jfif"],
            FileType::Png => &["png"],
            FileType::Webp => &["webp"],
            FileType::Heic => &["heic", "heif"],
        }
    }

    /// The ending given to a download's name.
    pub fn extension(self) -> &'static str {
        self.extensions()[0]
    }
}

/// The longest file name kept.
pub const MAX_NAME: usize = 200;

/// A file as sent: its name, the type its sender declared (none, or a generic one, when the
/// sender did not say), and its bytes.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub declared: Option<&'a str>,
    pub bytes: &'a [u8],
}

impl std::fmt::Debug for Upload<'_> {
    /// The name, the declared type and the size: never the content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("declared", &self.declared)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The file's type, checked: not empty, within `max_bytes`, of a type taken by its content, and
/// neither its declared type nor its name's ending saying otherwise. Each problem names the
/// field `file`.
pub fn check(upload: &Upload, max_bytes: u64) -> Result<FileType, Vec<FieldError>> {
    let refuse = |p: crate::validate::Problem| Err(vec![FieldError::of("file", p)]);
    if upload.bytes.is_empty() {
        return refuse(problem!("empty_file", "is empty"));
    }
    if upload.bytes.len() as u64 > max_bytes {
        return refuse(problem!(
            "file_too_large",
            "is larger than the {max_mb} MB a document may be",
            max_mb = max_bytes.div_ceil(1024 * 1024)
        ));
    }
    let allowed = || FileType::ALL.iter().map(|t| t.extension()).collect::<Vec<_>>().join(", ");
    let Some(found) = FileType::sniff(upload.bytes) else {
        return refuse(problem!(
            "file_type_not_taken",
            "is not a document of a type taken ({allowed}): its content says otherwise, whatever its name",
            allowed = allowed()
        ));
    };
    let declared = upload.declared.map(|d| d.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if let Some(declared) = declared.filter(|d| !d.is_empty() && !GENERIC.contains(&d.as_str())) {
        let same = declared == found.name() || (found == FileType::Jpeg && declared == "image/jpg");
        if !same {
            return refuse(problem!(
                "file_type_mismatch",
                "is sent as {declared} but its content is {found}",
                declared = declared,
                found = found.name()
            ));
        }
    }
    if let Some((_, ending)) = upload.file_name.rsplit_once('.') {
        let ending = ending.to_ascii_lowercase();
        let known = FileType::ALL.iter().any(|t| t.extensions().contains(&ending.as_str()));
        if known && !found.extensions().contains(&ending.as_str()) {
            return refuse(problem!(
                "file_type_mismatch",
                "is sent as {declared} but its content is {found}",
                declared = format!(".{ending}"),
                found = found.name()
            ));
        }
    }
    Ok(found)
}

/// Types a sender uses when it does not know: the content decides.
const GENERIC: &[&str] = &["application/octet-stream", "binary/octet-stream", "application/x-www-form-urlencoded"];

/// The name a document is kept under: the sender's, without its folders or control
/// characters, at most [`MAX_NAME`] characters; `document.<ending>` when nothing is left.
pub fn clean_name(file_name: &str, file_type: FileType) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(MAX_NAME).collect();
    let kept = kept.trim();
    if kept.is_empty() || kept.chars().all(|c| c == '.') {
        format!("document.{}", file_type.extension())
    } else {
        kept.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    const PDF: &[u8] = b"%PDF-1.7\n%...";

    fn upload<'a>(name: &'a str, declared: Option<&'a str>, bytes: &'a [u8]) -> Upload<'a> {
        Upload { file_name: name, declared, bytes }
    }

    fn code(result: Result<FileType, Vec<FieldError>>) -> String {
        let errors = result.unwrap_err();
        assert_eq!(errors[0].field, "file");
        errors[0].code.to_string()
    }

    #[test]
    fn a_file_is_known_by_its_content() {
        assert_eq!(FileType::sniff(JPEG), Some(FileType::Jpeg));
        assert_eq!(FileType::sniff(PDF), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileType::Png));
        assert_eq!(FileType::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(FileType::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(FileType::Heic));
        assert_eq!(FileType::sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(FileType::sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn a_page_named_as_a_photo_is_refused_whatever_its_name_or_declared_type() {
        let page = b"<html><script>alert(1)</script></html>";
        assert_eq!(code(check(&upload("receipt.jpg", Some("image/jpeg"), page), 1000)), "file_type_not_taken");
        assert_eq!(code(check(&upload("receipt.jpg", None, page), 1000)), "file_type_not_taken");
    }

    #[test]
    fn a_declared_type_or_name_that_contradicts_the_content_is_refused() {
        assert_eq!(code(check(&upload("scan.pdf", Some("image/png"), PDF), 1000)), "file_type_mismatch");
        assert_eq!(code(check(&upload("scan.png", None, PDF), 1000)), "file_type_mismatch");
        assert_eq!(check(&upload("scan.pdf", Some("application/pdf"), PDF), 1000), Ok(FileType::Pdf));
        assert_eq!(check(&upload("scan", Some("application/octet-stream"), PDF), 1000), Ok(FileType::Pdf));
        assert_eq!(check(&upload("IMG_0001.JPG", Some("image/jpg"), JPEG), 1000), Ok(FileType::Jpeg));
        // An ending of no type taken says nothing either way (`scan.2024`).
        assert_eq!(check(&upload("scan.2024", None, PDF), 1000), Ok(FileType::Pdf));
    }

    #[test]
    fn an_empty_or_oversized_file_is_refused_with_the_limit() {
        assert_eq!(code(check(&upload("a.pdf", None, b""), 1000)), "empty_file");
        let big = [PDF, &[b' '; 2 * 1024 * 1024]].concat();
        let errors = check(&upload("a.pdf", None, &big), 1024 * 1024).unwrap_err();
        assert_eq!(errors[0].code, "file_too_large");
        assert_eq!(errors[0].message, "is larger than the 1 MB a document may be");
    }

    #[test]
    fn a_kept_name_has_no_folders_or_control_characters() {
        assert_eq!(clean_name("C:\\Users\\a\\scan 1.pdf", FileType::Pdf), "scan 1.pdf");
        assert_eq!(clean_name("../../etc/passwd\n", FileType::Pdf), "passwd");
        assert_eq!(clean_name("  ", FileType::Jpeg), "document.jpg");
        assert_eq!(clean_name("..", FileType::Pdf), "document.pdf");
        assert_eq!(clean_name(&"é".repeat(500), FileType::Pdf).chars().count(), MAX_NAME);
    }
}
