//! A file sent as a download, streamed from disk in chunks: an export of a whole caseload is
//! never held in memory, by the API or the pages; and a document's content, as the API and the
//! pages answer it.

use std::io::Read;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_service::documents::{DocumentView, Fetch};

/// Bytes read and sent at a time.
const CHUNK: usize = 64 * 1024;

/// `file` (read from where it stands) as an attachment named `filename`.
pub fn file_response(file: std::fs::File, content_type: &'static str, filename: &str) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    tokio::task::spawn_blocking(move || {
        let mut file = file;
        loop {
            let mut chunk = vec![0; CHUNK];
            match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    chunk.truncate(n);
                    // The client went away: stop reading.
                    if sender.blocking_send(Ok(chunk)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = sender.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut r| async move { r.recv().await.map(|c| (c, r)) });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, attachment(filename))],
        Body::from_stream(stream),
    )
        .into_response()
}

/// `Content-Disposition` of a file saved under `filename` (quotes and line breaks made harmless).
fn attachment(filename: &str) -> String {
    format!("attachment; filename=\"{}\"", filename.replace(['"', '\\', '\r', '\n'], "_"))
}

/// `bytes` held in memory (a file exchanged with a partner installation) as an attachment named
/// `filename`.
pub fn bytes_response(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, attachment(filename))],
        Body::from(bytes),
    )
        .into_response()
}

/// A document is never a page: no script, no frame, nothing loaded from it.
pub const DOCUMENT_POLICY: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";

/// A document's bytes as an answer: its own type, never sniffed by the browser, never run as
/// a page (a sandbox), never cached.
pub fn document_response(document: &DocumentView, bytes: Vec<u8>, fetch: Fetch) -> Response {
    use homeward_domain::Named;
    let name = document.file_name.replace(['"', '\\', '\r', '\n'], "_");
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let how = if fetch == Fetch::View { "inline" } else { "attachment" };
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    let disposition = format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, document.file_type.name().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, DOCUMENT_POLICY.to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response()
}
