//! `homeward rss score`: one result row per survey row, in input order.

use std::io::{Read, Write};

use homeward_rss::{Band, Outcome, Reason, Scorer, Status};

use crate::BatchError;
use crate::format::{ScoreWriter, push_field, push_u32};
use crate::header::{Header, OUTPUT_COLUMNS};
use crate::pipeline::{self, ChunkResult, Duplicate, Options};
use crate::records::{RecordAnswers, Records, find_non_utf8};

/// What a batch found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub scored: u64,
    pub discarded: u64,
    pub invalid: u64,
    /// Scored surveys flagged low accuracy.
    pub low_accuracy: u64,
    /// Scored surveys per composite band, in the order of [`Band::ALL`].
    pub composite_bands: [u64; 3],
    /// Scored surveys per band of each dimension, in the instrument's order.
    pub dimension_bands: Vec<[u64; 3]>,
}

impl Summary {
    /// The exit status of the batch contract: 1 when any row is invalid, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.invalid > 0)
    }
}

/// What one row became, for the summary and the duplicate rule.
#[derive(Clone, Copy)]
struct RowStat {
    status: Status,
    /// The row's fields do not match the header; this takes precedence over a duplicate id.
    ragged: bool,
    low_accuracy: bool,
    composite_band: Option<Band>,
    dimension_bands: [Option<Band>; homeward_rss::instrument::MAX_DIMENSIONS],
}

struct Scored {
    out: Vec<u8>,
    /// End of each row's line in `out`.
    row_ends: Vec<usize>,
    stats: Vec<RowStat>,
}

/// Scores every survey of `input` (CSV) and writes the result rows to `output`.
///
/// Fails, with nothing meaningful written, when the file cannot be processed at all; callers
/// write to a temporary file and keep it only on success.
pub fn score_csv<R: Read, W: Write + Send>(
    scorer: &Scorer,
    input: R,
    output: W,
    opts: &Options<'_>,
) -> Result<Summary, BatchError> {
    let instrument = scorer.instrument();
    let mut profile = Vec::new();
    push_field(&mut profile, scorer.profile().name.as_bytes());
    let mut summary = Summary { dimension_bands: vec![[0; 3]; instrument.dimensions.len()], ..Summary::default() };

    // Output buffers go back to the workers once written: no fresh pages for every chunk.
    let spare_buffers = std::sync::Mutex::new(Vec::<Vec<u8>>::new());
    let recycle = |mut out: Vec<u8>| {
        out.clear();
        if let Ok(mut spare) = spare_buffers.lock()
            && spare.len() < SPARE_BUFFERS
        {
            spare.push(out);
        }
    };
    let work = |header: &Header, chunk: &[u8]| {
        let out = spare_buffers.lock().ok().and_then(|mut spare| spare.pop()).unwrap_or_default();
        score_chunk(scorer, header, &profile, chunk, out)
    };
    std::thread::scope(|s| {
        // The ordered write has a thread of its own, so the one thread that must see every row in
        // order (the duplicate rule) only checks ids and counts: each stage that cannot be split
        // across cores does as little as it can.
        let (pieces, written) = std::sync::mpsc::sync_channel::<Piece>(WRITES_IN_FLIGHT);
        let writer = s.spawn(|| write_pieces(output, written, &recycle));
        // A writer that stopped has its error, returned below.
        let send = |piece: Piece| pieces.send(piece).map_err(|_| BatchError::Internal("the writer stopped"));
        let ran = send(Piece::header()).and_then(|()| {
            let collect = |result: ChunkResult<Scored>, _first_row: u64, dups: &[Duplicate]| {
                let replaced = collect_chunk(&result, dups, &profile, &mut summary);
                send(Piece { out: result.payload.out, replaced })
            };
            pipeline::run_surveys(input, opts, instrument, work, collect)
        });
        drop(pieces);
        let wrote = writer.join().map_err(|_| BatchError::Internal("the writer thread panicked"))?;
        // The writer's own error says more than the collector's "the writer stopped".
        wrote.and(ran)
    })?;
    Ok(summary)
}

/// Chunks of output waiting for the writer: the bound on memory between the collector and it.
const WRITES_IN_FLIGHT: usize = 4;

/// Buffers kept for reuse, at most: the header's and other odd buffers are let go.
const SPARE_BUFFERS: usize = 64;

/// A chunk's output as the writer writes it: `out`, with the byte ranges of rows whose survey
/// id was used before replaced by their lines (in order).
struct Piece {
    out: Vec<u8>,
    replaced: Vec<(std::ops::Range<usize>, Vec<u8>)>,
}

impl Piece {
    fn header() -> Piece {
        Piece { out: header_line().into_bytes(), replaced: Vec::new() }
    }
}

/// Writes each piece in order, handing its buffer back for reuse.
fn write_pieces<W: Write>(
    output: W,
    pieces: std::sync::mpsc::Receiver<Piece>,
    recycle: &(dyn Fn(Vec<u8>) + Sync),
) -> Result<(), BatchError> {
    // Small: each chunk's rows are written in one call, straight through.
    let mut output = std::io::BufWriter::with_capacity(64 << 10, output);
    let mut write = |bytes: &[u8]| output.write_all(bytes).map_err(BatchError::Write);
    for piece in pieces {
        let mut written = 0;
        for (range, line) in &piece.replaced {
            write(&piece.out[written..range.start])?;
            write(line)?;
            written = range.end;
        }
        write(&piece.out[written..])?;
        recycle(piece.out);
    }
    output.flush().map_err(BatchError::Write)
}

fn header_line() -> String {
    format!("{}\n", OUTPUT_COLUMNS.join(","))
}

/// Scores a chunk into `out` (an empty buffer, perhaps with capacity left from an earlier chunk).
fn score_chunk(
    scorer: &Scorer,
    header: &Header,
    profile: &[u8],
    chunk: &[u8],
    mut out: Vec<u8>,
) -> ChunkResult<Scored> {
    out.reserve(chunk.len() / 2);
    let mut result = ChunkResult::new(Scored { out, row_ends: Vec::new(), stats: Vec::new() });
    if let Some(bad) = find_non_utf8(chunk) {
        result.fatal = Some(bad);
        return result;
    }
    let mut records = Records::new(chunk);
    let mut outcome = Outcome::default();
    let mut scores = ScoreWriter::new();
    while records.next_record() {
        let id = row_id(header, &records);
        let out = &mut result.payload.out;
        let mut stat = RowStat {
            status: Status::Invalid,
            ragged: records.len != header.fields,
            low_accuracy: false,
            composite_band: None,
            dimension_bands: [None; homeward_rss::instrument::MAX_DIMENSIONS],
        };
        match score_row(scorer, header, &records, &mut outcome) {
            Err(reason) => push_unscored(out, id, Status::Invalid, &reason, profile),
            Ok(()) => {
                push_outcome(out, &mut scores, id, &outcome, profile);
                stat.status = outcome.status;
                stat.low_accuracy = outcome.low_accuracy;
                stat.composite_band = outcome.composite_band;
                stat.dimension_bands[..outcome.dimension_bands.len()].copy_from_slice(&outcome.dimension_bands);
            }
        }
        result.payload.row_ends.push(out.len());
        result.payload.stats.push(stat);
        result.push_id(id);
    }
    result
}

/// The trimmed survey id of the current record (empty when the row is too short to have one).
pub(crate) fn row_id<'r>(header: &Header, records: &'r Records<'_>) -> &'r [u8] {
    if header.survey_id < records.len { records.field(header.survey_id).trim_ascii() } else { b"" }
}

/// Scores the current record into `outcome`, unless the row itself is wrong: fields that do
/// not match the header, or no survey id (the duplicate rule is applied later, in order).
pub(crate) fn score_row(
    scorer: &Scorer,
    header: &Header,
    records: &Records<'_>,
    outcome: &mut Outcome,
) -> Result<(), Reason> {
    if records.len != header.fields {
        return Err(Reason::FieldCount { expected: header.fields, found: records.len });
    }
    if row_id(header, records).is_empty() {
        return Err(Reason::EmptySurveyId);
    }
    scorer.score_into(&RecordAnswers { record: records, header }, outcome);
    Ok(())
}

/// Counts the chunk's rows in `summary`; the rows that reuse a survey id, with the lines that
/// replace them.
fn collect_chunk(
    result: &ChunkResult<Scored>,
    dups: &[Duplicate],
    profile: &[u8],
    summary: &mut Summary,
) -> Vec<(std::ops::Range<usize>, Vec<u8>)> {
    let Scored { row_ends, stats, .. } = &result.payload;
    let mut replacements = Vec::new();
    let mut replaced_at = dups.iter().filter(|d| !stats[d.local].ragged).peekable();
    for (local, stat) in stats.iter().enumerate() {
        summary.rows += 1;
        if let Some(dup) = replaced_at.next_if(|d| d.local == local) {
            let start = if local == 0 { 0 } else { row_ends[local - 1] };
            let id = result.id(local);
            let reason =
                Reason::DuplicateSurveyId { value: String::from_utf8_lossy(id).into_owned(), first_row: dup.first_row };
            let mut line = Vec::new();
            push_unscored(&mut line, id, Status::Invalid, &reason, profile);
            replacements.push((start..row_ends[local], line));
            summary.invalid += 1;
            continue;
        }
        match stat.status {
            Status::Invalid => summary.invalid += 1,
            Status::Discarded => summary.discarded += 1,
            Status::Scored => {
                summary.scored += 1;
                summary.low_accuracy += u64::from(stat.low_accuracy);
                if let Some(b) = stat.composite_band {
                    summary.composite_bands[b as usize] += 1;
                }
                for (counts, band) in summary.dimension_bands.iter_mut().zip(stat.dimension_bands) {
                    if let Some(b) = band {
                        counts[b as usize] += 1;
                    }
                }
            }
        }
    }
    replacements
}

/// `id,status,reason,,,,,,,,,,false,profile`: a row without scores.
fn push_unscored(out: &mut Vec<u8>, id: &[u8], status: Status, reason: &Reason, profile: &[u8]) {
    push_field(out, id);
    out.push(b',');
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b',');
    push_field(out, reason.to_string().as_bytes());
    out.extend_from_slice(b",,,,,,,,,,false,");
    out.extend_from_slice(profile);
    out.push(b'\n');
}

fn push_outcome(out: &mut Vec<u8>, scores: &mut ScoreWriter, id: &[u8], outcome: &Outcome, profile: &[u8]) {
    if let (Some(reason), false) = (&outcome.reason, outcome.is_scored()) {
        return push_unscored(out, id, outcome.status, reason, profile);
    }
    push_field(out, id);
    out.extend_from_slice(b",scored,");
    for score in outcome.dimensions.iter().chain([&outcome.composite]) {
        out.push(b',');
        if let Some(s) = score {
            scores.push(out, *s);
        }
    }
    for band in outcome.dimension_bands.iter().chain([&outcome.composite_band]) {
        out.push(b',');
        if let Some(b) = band {
            out.extend_from_slice(b.as_str().as_bytes());
        }
    }
    out.push(b',');
    push_u32(out, outcome.dk_dwa_count);
    out.extend_from_slice(if outcome.low_accuracy { b",true," } else { b",false," });
    out.extend_from_slice(profile);
    out.push(b'\n');
}
