//! Read chunks on the calling thread, process them on every core, collect them in input order.
//!
//! Memory is bounded: a fixed set of buffers circulates from the reader to the workers to the
//! collector and back, so the reader waits when the writer falls behind.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel, sync_channel};

use crate::BatchError;
use crate::chunks::Chunker;

/// How a batch runs.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Bytes read per chunk.
    pub chunk_size: usize,
    /// Called after each chunk is written.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options { threads: 0, chunk_size: 1 << 20, progress: None }
    }
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options").field("threads", &self.threads).field("chunk_size", &self.chunk_size).finish()
    }
}

/// How far a batch has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Data rows done (the header not counted).
    pub rows: u64,
    /// Input bytes read.
    pub bytes: u64,
}

/// What a worker makes of one chunk: per row its survey id (for the duplicate rule) and whatever
/// the job needs.
pub(crate) struct ChunkResult<P> {
    pub(crate) rows: usize,
    /// Survey ids of the rows, one after another; `id_ends[r]` ends row r's (empty: no id).
    pub(crate) ids: Vec<u8>,
    pub(crate) id_ends: Vec<usize>,
    /// A row that cannot be processed at all (not UTF-8): local row index and column.
    pub(crate) fatal: Option<(usize, usize)>,
    pub(crate) payload: P,
}

impl<P> ChunkResult<P> {
    pub(crate) fn new(payload: P) -> Self {
        ChunkResult { rows: 0, ids: Vec::new(), id_ends: Vec::new(), fatal: None, payload }
    }

    pub(crate) fn push_id(&mut self, id: &[u8]) {
        self.ids.extend_from_slice(id);
        self.id_ends.push(self.ids.len());
        self.rows += 1;
    }

    pub(crate) fn id(&self, row: usize) -> &[u8] {
        let start = if row == 0 { 0 } else { self.id_ends[row - 1] };
        &self.ids[start..self.id_ends[row]]
    }
}

/// A row whose survey id an earlier row already used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Duplicate {
    /// Index of the row within its chunk.
    pub(crate) local: usize,
    /// File row number (the header is row 1) of the first use.
    pub(crate) first_row: u64,
}

/// Fast, non-cryptographic hash for survey ids (FxHash with a final mix): the ids come from
/// the user's own file, so there is no adversary to resist.
fn hash_id(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(c.try_into().expect("8 bytes"))).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    // Spread the high bits into the low ones, which the table indexes by.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Survey ids seen so far, with the row that first used each: the duplicate rule needs them all,
/// so this is the one part of a batch that grows with the file (about 40 bytes per id beyond its
/// text, no allocation per id). The ids sit one after another in one buffer, found through an
/// open-addressing table whose slots hold 32 bits of the id's hash beside its index. The slot
/// position comes from those same bits, so a lookup touches the stored text only when the
/// fingerprints match, and growing the table never reads the text: both are random reads in
/// memory far larger than the caches, on the one collecting thread.
#[derive(Default)]
pub(crate) struct SeenIds {
    text: Vec<u8>,
    /// Start of each id in `text` (the next one's start ends it).
    starts: Vec<u64>,
    first_rows: Vec<u64>,
    /// Per slot: fingerprint (32 bits of the hash) high, index + 1 low (0: empty).
    /// A power of two, at most half full.
    slots: Vec<u64>,
}

impl SeenIds {
    fn id(&self, entry: usize) -> &[u8] {
        let end = self.starts.get(entry + 1).map_or(self.text.len(), |&e| e as usize);
        &self.text[self.starts[entry] as usize..end]
    }

    fn fingerprint(hash: u64) -> u64 {
        hash >> 32
    }

    fn home(&self, fingerprint: u64) -> usize {
        fingerprint as usize & (self.slots.len() - 1)
    }

    /// The first empty slot for `hash`, or the slot of the entry holding `id`.
    fn probe(&self, hash: u64, id: &[u8]) -> usize {
        let fingerprint = Self::fingerprint(hash);
        let mask = self.slots.len() - 1;
        let mut at = self.home(fingerprint);
        loop {
            let slot = self.slots[at];
            if slot == 0 || (slot >> 32 == fingerprint && self.id((slot as u32 - 1) as usize) == id) {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut at = self.home(slot >> 32);
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }

    /// The row that first used `id`, or `None` after recording that `row` uses it.
    #[cfg(test)]
    fn first_use(&mut self, id: &[u8], row: u64) -> Option<u64> {
        if (self.starts.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.insert(id, hash_id(id), row)
    }

    /// As `first_use`, for an id whose hash is known, in a table with room for it.
    fn insert(&mut self, id: &[u8], hash: u64, row: u64) -> Option<u64> {
        let at = self.probe(hash, id);
        match self.slots[at] {
            0 => {
                let entry = u32::try_from(self.starts.len() + 1).expect("fewer than 4 billion survey ids");
                self.slots[at] = Self::fingerprint(hash) << 32 | u64::from(entry);
                self.starts.push(self.text.len() as u64);
                self.text.extend_from_slice(id);
                self.first_rows.push(row);
                None
            }
            slot => Some(self.first_rows[(slot as u32 - 1) as usize]),
        }
    }
    /// Records the ids of a chunk whose first row is `first_row`; returns the duplicates.
    pub(crate) fn check<P>(&mut self, chunk: &ChunkResult<P>, first_row: u64, dups: &mut Vec<Duplicate>) {
        dups.clear();
        // Room for the whole chunk first, so the table does not move while looking ahead.
        while (self.starts.len() + chunk.rows + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let hashes: Vec<u64> = (0..chunk.rows).map(|local| hash_id(chunk.id(local))).collect();
        for local in 0..chunk.rows {
            // Touch the slot of an id a little ahead: its cache miss overlaps this id's work
            // instead of stalling the one collecting thread later.
            if let Some(&ahead) = hashes.get(local + LOOK_AHEAD) {
                std::hint::black_box(self.slots[self.home(Self::fingerprint(ahead))]);
            }
            let id = chunk.id(local);
            if !id.is_empty()
                && let Some(first) = self.insert(id, hashes[local], first_row + local as u64)
            {
                dups.push(Duplicate { local, first_row: first });
            }
        }
    }
}

/// How many ids ahead the id set touches its table.
const LOOK_AHEAD: usize = 16;

/// Runs `work` on every chunk of a survey file, with the header read from its first record.
pub(crate) fn run_surveys<R, P, W, C>(
    input: R,
    opts: &Options<'_>,
    instrument: &homeward_rss::Instrument,
    work: W,
    collect: C,
) -> Result<u64, BatchError>
where
    R: Read,
    P: Send,
    W: Fn(&crate::Header, &[u8]) -> ChunkResult<P> + Sync,
    C: FnMut(ChunkResult<P>, u64, &[Duplicate]) -> Result<(), BatchError> + Send,
{
    // Set from the first record before any chunk is worked on.
    let header = std::sync::OnceLock::new();
    let read_header = |bytes: &[u8]| {
        let (parsed, consumed) = crate::Header::read(bytes, instrument)?;
        header.set(parsed).ok();
        Ok(consumed)
    };
    let work = |chunk: &[u8]| work(header.get().expect("header read before chunks"), chunk);
    run(input, opts, read_header, work, collect)
}

/// Runs `work` on every chunk of `input` (after its header, which `header` has consumed from the
/// first chunk) and hands the results to `collect` in input order with their first row number
/// and duplicates.
fn run<R, P, W, C>(
    input: R,
    opts: &Options<'_>,
    header: impl FnOnce(&[u8]) -> Result<usize, BatchError>,
    work: W,
    mut collect: C,
) -> Result<u64, BatchError>
where
    R: Read,
    P: Send,
    W: Fn(&[u8]) -> ChunkResult<P> + Sync,
    C: FnMut(ChunkResult<P>, u64, &[Duplicate]) -> Result<(), BatchError> + Send,
{
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let mut chunker = Chunker::new(input, opts.chunk_size);
    let mut first = Vec::new();
    if !chunker.next_chunk(&mut first)? {
        return Err(BatchError::Empty);
    }
    // Excel writes a byte-order mark at the start of "CSV UTF-8" files.
    let bom = if first.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let header_len = bom + header(&first[bom..])?;
    first.drain(..header_len);

    let in_flight = threads * 3;
    let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(in_flight + 1);
    for _ in 1..in_flight {
        recycle_tx.send(Vec::new()).expect("receiver alive");
    }
    let (work_tx, work_rx) = sync_channel::<(u64, Vec<u8>)>(in_flight);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<(u64, ChunkResult<P>, Vec<u8>)>();
    let bytes_read = std::sync::atomic::AtomicU64::new(0);

    std::thread::scope(|s| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, work) = (&work_rx, &work);
            s.spawn(move || {
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, data))) = next else { break };
                    let result = work(&data);
                    if done_tx.send((seq, result, data)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let bytes_read = &bytes_read;
        let collector = s.spawn(move || {
            let mut collector = Collector { seen: SeenIds::default(), rows: 0, next: 0, pending: BTreeMap::new() };
            let result = collector.drain(done_rx, recycle_tx, opts, bytes_read, &mut collect);
            result.map(|()| (collector.rows, collector.next))
        });

        // The reader: this thread.
        let mut read_result = Ok(());
        let mut seq = 0u64;
        let mut chunk = Some(first);
        // Counted before the chunk is sent, so the progress reported with its result includes it
        // (a one-chunk file showed 0% at the end when the count came after).
        bytes_read.store(chunker.bytes, std::sync::atomic::Ordering::Relaxed);
        while let Some(data) = chunk.take() {
            if !data.is_empty() {
                if work_tx.send((seq, data)).is_err() {
                    break;
                }
                seq += 1;
            }
            // Waits for a free buffer: the bound on memory.
            let Ok(mut buf) = recycle_rx.recv() else { break };
            match chunker.next_chunk(&mut buf) {
                Ok(true) => chunk = Some(buf),
                Ok(false) => {}
                Err(e) => read_result = Err(e),
            }
            bytes_read.store(chunker.bytes, std::sync::atomic::Ordering::Relaxed);
        }
        drop(work_tx);
        let (rows, chunks) = collector.join().expect("collector thread does not panic")?;
        read_result?;
        // Every chunk sent must have been written: never report success for part of a file.
        if chunks != seq {
            return Err(BatchError::Internal("a chunk of the input was not processed"));
        }
        Ok(rows)
    })
}

struct Collector<P> {
    seen: SeenIds,
    /// Data rows collected so far.
    rows: u64,
    next: u64,
    pending: BTreeMap<u64, (ChunkResult<P>, Vec<u8>)>,
}

impl<P> Collector<P> {
    fn drain<C>(
        &mut self,
        done: Receiver<(u64, ChunkResult<P>, Vec<u8>)>,
        recycle: std::sync::mpsc::SyncSender<Vec<u8>>,
        opts: &Options<'_>,
        bytes_read: &std::sync::atomic::AtomicU64,
        collect: &mut C,
    ) -> Result<(), BatchError>
    where
        C: FnMut(ChunkResult<P>, u64, &[Duplicate]) -> Result<(), BatchError>,
    {
        let mut dups = Vec::new();
        for (seq, result, buf) in done {
            self.pending.insert(seq, (result, buf));
            while let Some((result, buf)) = self.pending.remove(&self.next) {
                self.next += 1;
                // Row numbers as a spreadsheet shows them: the header is row 1.
                let first_row = self.rows + 2;
                if let Some((local, column)) = result.fatal {
                    return Err(BatchError::NotUtf8 { row: first_row + local as u64, column: column + 1 });
                }
                self.seen.check(&result, first_row, &mut dups);
                self.rows += result.rows as u64;
                collect(result, first_row, &dups)?;
                if let Some(progress) = opts.progress {
                    let bytes = bytes_read.load(std::sync::atomic::Ordering::Relaxed);
                    progress(Progress { rows: self.rows, bytes });
                }
                // The reader may have stopped already; the buffer is then simply dropped.
                let _ = recycle.send(buf);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_told_apart_and_repeats_name_the_first_row() {
        let mut seen = SeenIds::default();
        assert_eq!(seen.first_use(b"A", 2), None);
        assert_eq!(seen.first_use(b"AB", 3), None);
        assert_eq!(seen.first_use(b"", 4), None);
        assert_eq!(seen.first_use(b"A", 5), Some(2));
        assert_eq!(seen.first_use(b"AB", 6), Some(3));
        for i in 0..10_000u64 {
            assert_eq!(seen.first_use(format!("S{i}").as_bytes(), 10 + i), None);
        }
        assert_eq!(seen.first_use(b"S9999", 1), Some(10_009));
    }
}
