//! An XLSX file's first sheet (where KoboToolbox puts the submissions, repeat groups getting the
//! sheets after it; where a caseload is kept), read row by row as text.
//!
//! calamine's cell reader borrows the workbook it reads, so it lives on a thread of its own that
//! owns the file (or a copy of the bytes) and hands over one row at a time through a small
//! channel: memory stays flat however many rows the sheet has, and the sheet is unzipped while
//! the rows before are checked.

use std::io::{BufReader, Read, Seek};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{DataRef, Reader as _, Xlsx};
use csv::StringRecord;

use crate::{MAX_UNZIPPED_XLSX, RowProblem, TableError};

/// What the reading thread sends: the header first (or why there is none), then the rows.
enum Message {
    Header(Result<Vec<String>, TableError>),
    Row(usize, StringRecord),
    Problem(RowProblem),
}

/// The rows under the header.
pub(crate) struct Rows {
    receiver: Receiver<Message>,
}

impl Iterator for Rows {
    type Item = super::Row;

    fn next(&mut self) -> Option<super::Row> {
        match self.receiver.recv().ok()? {
            Message::Row(row, cells) => Some(Ok((row, cells))),
            Message::Problem(p) => Some(Err(p)),
            // Only ever sent first.
            Message::Header(_) => None,
        }
    }
}

/// Opens the first sheet: its header row, and its rows to come.
pub(crate) fn open<R>(mut input: R) -> Result<(Vec<String>, Rows), TableError>
where
    R: Read + Seek + Send + 'static,
{
    check_size(&mut input)?;
    input.seek(std::io::SeekFrom::Start(0)).map_err(|e| TableError::Xlsx(e.to_string()))?;
    let (sender, receiver) = sync_channel(256);
    std::thread::Builder::new()
        .name("xlsx-rows".into())
        .spawn(move || read_sheet(BufReader::new(input), &sender))
        .map_err(|e| TableError::Xlsx(e.to_string()))?;
    match receiver.recv() {
        Ok(Message::Header(header)) => Ok((header?, Rows { receiver })),
        _ => Err(TableError::Empty),
    }
}

/// Refuses a file that says it unzips to more than [`MAX_UNZIPPED_XLSX`]; the unzipping itself
/// never reads past the sizes the file declares.
fn check_size(input: &mut (impl Read + Seek)) -> Result<(), TableError> {
    let unreadable = |e: zip::result::ZipError| TableError::Xlsx(e.to_string());
    let mut archive = zip::ZipArchive::new(input).map_err(unreadable)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).map_err(unreadable)?.size());
    }
    if total > MAX_UNZIPPED_XLSX { Err(TableError::TooLarge) } else { Ok(()) }
}

/// Sends the first sheet's header, then each of its rows, until the sheet ends or nobody reads.
fn read_sheet(input: impl Read + Seek, sender: &SyncSender<Message>) {
    let mut workbook = match Xlsx::new(input) {
        Ok(w) => w,
        Err(e) => {
            let _ = sender.send(Message::Header(Err(TableError::Xlsx(e.to_string()))));
            return;
        }
    };
    let Some(first) = workbook.sheet_names().into_iter().next() else {
        let _ = sender.send(Message::Header(Err(TableError::Empty)));
        return;
    };
    let mut cells = match workbook.worksheet_cells_reader(&first) {
        Ok(c) => c,
        Err(e) => {
            let _ = sender.send(Message::Header(Err(TableError::Xlsx(e.to_string()))));
            return;
        }
    };
    // The row being gathered: its index in the sheet (from 0) and its cells so far.
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut header_sent = false;
    let mut send_row = |row: u32, texts: Vec<String>| -> bool {
        let message = if header_sent {
            Message::Row(row as usize + 1, StringRecord::from(texts))
        } else {
            header_sent = true;
            Message::Header(Ok(texts))
        };
        sender.send(message).is_ok()
    };
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                let row = current.as_ref().map_or(0, |(r, _)| *r as usize + 1);
                let problem = RowProblem { row, column: String::new(), problem: format!("cannot be read: {e}") };
                let _ = sender.send(if header_sent {
                    Message::Problem(problem)
                } else {
                    Message::Header(Err(TableError::Xlsx(e.to_string())))
                });
                return;
            }
        };
        let (row, column) = cell.get_position();
        if current.as_ref().is_some_and(|(r, _)| *r != row) {
            let (r, texts) = current.take().expect("a row is being gathered");
            if !send_row(r, texts) {
                return;
            }
        }
        let (_, texts) = current.get_or_insert_with(|| (row, Vec::new()));
        let column = column as usize;
        if texts.len() <= column {
            texts.resize(column + 1, String::new());
        }
        texts[column] = text(cell.get_value());
    }
    match current {
        Some((r, texts)) => {
            send_row(r, texts);
        }
        None if !header_sent => {
            let _ = sender.send(Message::Header(Err(TableError::Empty)));
        }
        None => {}
    }
}

/// A cell as the text a CSV export would have: whole numbers without `.0`, dates in ISO 8601.
fn text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        DataRef::DateTime(d) => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}.{ms:03}")
            }
        }
        DataRef::Error(e) => e.to_string(),
    }
}
