//! First pass over the documents: analyses every field once and records, per (stem, page),
//! term frequencies by field, the best-matching section and where the term first occurs in it.
//!
//! Fields: title, headings, meta (summary, tags, keywords, stage/role/persona ids), body.
//! Synonyms are expanded here, into the field where the member was found.
//! The hot loop works on dense per-stem arrays reset after each page: no hashing beyond the
//! analyzer's dictionary lookup and no allocation per token.

use super::analyzer::{Analyzer, Token};
use super::synonyms::Synonyms;
use super::SearchDoc;

/// Field indexes into [`Record::tf`] and the length arrays.
pub(crate) const TITLE: usize = 0;
pub(crate) const HEADINGS: usize = 1;
pub(crate) const META: usize = 2;
pub(crate) const BODY: usize = 3;

/// One (stem, page) pair.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub stem: u32,
    pub doc: u32,
    /// Occurrences per field.
    pub tf: [u16; 4],
    /// 1 + index of the section where the term matters most; 0 if it occurs in no section.
    pub sec: u16,
    /// Byte offset of the first body occurrence in that section; `u32::MAX` if only its heading.
    pub off: u32,
}

/// Records in chunks of fixed size: they are most of the index's memory, and one vector
/// would hold up to twice their size while it grows, three times while two are merged.
#[derive(Default)]
pub(crate) struct Records {
    chunks: Vec<Vec<Record>>,
}

impl Records {
    const CHUNK: usize = 1 << 16;

    pub fn push(&mut self, record: Record) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::CHUNK => chunk.push(record),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(record);
                self.chunks.push(chunk);
            }
        }
    }

    /// Every record, in the order pushed.
    pub fn iter(&self) -> impl Iterator<Item = &Record> {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
impl FromIterator<Record> for Records {
    fn from_iter<I: IntoIterator<Item = Record>>(iter: I) -> Records {
        let mut records = Records::default();
        for r in iter {
            records.push(r);
        }
        records
    }
}

/// What the first pass learned.
pub(crate) struct Collection {
    /// Records, page by page.
    pub records: Records,
    /// Tokens per field, per page.
    pub lengths: Vec<[u32; 4]>,
    /// Pages containing each stem (indexed by stem id).
    pub df: Vec<u32>,
    /// Occurrences of each surface form (indexed by surface id).
    pub surface_freq: Vec<u32>,
}

struct Scratch<'s> {
    synonyms: &'s Synonyms,
    /// Per stem: what this page and its current section have seen of it.
    slots: Vec<Slot>,
    touched: Vec<u32>,
    sec_touched: Vec<u32>,
    surface_freq: Vec<u32>,
    /// The latest stems of the field, newest last, for multi-word synonyms: `recent[..len]`,
    /// of which the last `filled` count. Twice the window, so that appending moves the
    /// window only once every `WINDOW` tokens.
    recent: [u32; 2 * WINDOW],
    len: usize,
    filled: usize,
    lengths: [u32; 4],
}

/// The state of one stem during a page, in one place so that a token touches one cache line.
#[derive(Clone, Copy, Default)]
struct Slot {
    tf: [u16; 4],
    /// Score in the current section (heading hit 3, body hit 1) and the best so far.
    sec_score: u16,
    best_score: u16,
    best_sec: u16,
    /// First body occurrence in the current section and in the best one.
    sec_off: u32,
    best_off: u32,
}

/// Stems remembered for multi-word synonyms.
const WINDOW: usize = super::synonyms::MAX_MEMBER_WORDS;

impl Scratch<'_> {
    #[inline(always)]
    fn grow(&mut self, stem: u32, surface: u32) {
        if stem as usize >= self.slots.len() || surface as usize >= self.surface_freq.len() {
            self.grow_to(stem, surface);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow_to(&mut self, stem: u32, surface: u32) {
        if stem as usize >= self.slots.len() {
            let n = (stem as usize + 1).max(self.slots.len() * 2);
            self.slots.resize(n, Slot::default());
        }
        if surface as usize >= self.surface_freq.len() {
            let n = (surface as usize + 1).max(self.surface_freq.len() * 2);
            self.surface_freq.resize(n, 0);
        }
    }

    #[inline(always)]
    fn add(&mut self, stem: u32, surface: u32, field: usize, section: u16, off: u32) {
        self.grow(stem, surface);
        let slot = &mut self.slots[stem as usize];
        if slot.tf == [0; 4] {
            self.touched.push(stem);
        }
        slot.tf[field] = slot.tf[field].saturating_add(1);
        if section != 0 {
            if slot.sec_score == 0 {
                self.sec_touched.push(stem);
                slot.sec_off = u32::MAX;
            }
            let heading = field == HEADINGS;
            slot.sec_score = slot.sec_score.saturating_add(if heading { 3 } else { 1 });
            if !heading && slot.sec_off == u32::MAX {
                slot.sec_off = off;
            }
        }
        self.lengths[field] += 1;
        self.surface_freq[surface as usize] += 1;
    }

    #[inline(always)]
    fn token(&mut self, t: Token, field: usize, section: u16) {
        self.add(t.stem, t.surface, field, section, t.offset);
        if t.joined {
            return;
        }
        if self.len == self.recent.len() {
            self.recent.copy_within(WINDOW.., 0);
            self.len = WINDOW;
        }
        self.recent[self.len] = t.stem;
        self.len += 1;
        self.filled = (self.filled + 1).min(WINDOW);
        let synonyms = self.synonyms;
        if synonyms.ends_with(t.stem) {
            let recent = self.recent;
            let recent = &recent[self.len - self.filled..self.len];
            // Synonyms found in a title count as headings: strong, but below a real title match.
            let into = if field == TITLE { HEADINGS } else { field };
            synonyms.expand(recent, t.upper, &mut |stem, surface| {
                self.add(stem, surface, into, section, t.offset)
            });
        }
    }

    fn end_section(&mut self, section: u16) {
        for &stem in &self.sec_touched {
            let slot = &mut self.slots[stem as usize];
            if slot.sec_score > slot.best_score {
                slot.best_score = slot.sec_score;
                slot.best_sec = section;
                slot.best_off = slot.sec_off;
            }
            slot.sec_score = 0;
        }
        self.sec_touched.clear();
    }

    fn finish(&mut self, doc: u32, records: &mut Records, df: &mut Vec<u32>) {
        for &stem in &self.touched {
            let s = stem as usize;
            let slot = &mut self.slots[s];
            records.push(Record {
                stem,
                doc,
                tf: slot.tf,
                sec: slot.best_sec,
                off: slot.best_off,
            });
            if s >= df.len() {
                df.resize(s + 1, 0);
            }
            df[s] += 1;
            slot.tf = [0; 4];
            slot.best_score = 0;
            slot.best_sec = 0;
        }
        self.touched.clear();
    }
}

fn field(analyzer: &mut Analyzer, scratch: &mut Scratch, text: &str, field: usize, section: u16) {
    scratch.filled = 0;
    scratch.len = 0;
    analyzer.analyze(text, &mut |t| scratch.token(t, field, section));
}

/// Runs the first pass, on up to two threads for larger sites. Each thread analyses a
/// contiguous run of pages with its own fork of the analyzer; their vocabularies are then
/// merged in page order, so the result does not depend on the number of threads.
pub(crate) fn collect(
    docs: &[&SearchDoc],
    analyzer: &mut Analyzer,
    synonyms: &Synonyms,
) -> Collection {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2);
    if threads < 2 || docs.len() < 512 {
        return collect_run(docs, 0, analyzer, synonyms);
    }
    let half = docs.len() / 2;
    let mut fork = analyzer.fork();
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| collect_run(&docs[half..], half as u32, &mut fork, synonyms));
        let first = collect_run(&docs[..half], 0, analyzer, synonyms);
        (
            first,
            second.join().expect("search indexing thread panicked"),
        )
    });
    let (surface_map, stem_map) = analyzer.adopt(&fork);
    let mut col = first;
    col.df.resize(analyzer.stems.len(), 0);
    col.surface_freq.resize(analyzer.surfaces.len(), 0);
    for (s, &df) in second.df.iter().enumerate() {
        col.df[stem_map[s] as usize] += df;
    }
    for (f, &n) in second.surface_freq.iter().enumerate() {
        col.surface_freq[surface_map[f] as usize] += n;
    }
    let mut rest = second.records;
    for r in rest.chunks.iter_mut().flatten() {
        r.stem = stem_map[r.stem as usize];
    }
    col.records.chunks.append(&mut rest.chunks);
    col.lengths.extend(second.lengths);
    col
}

/// The first pass over `docs`, numbered from `first_doc`.
fn collect_run(
    docs: &[&SearchDoc],
    first_doc: u32,
    analyzer: &mut Analyzer,
    synonyms: &Synonyms,
) -> Collection {
    let mut scratch = Scratch {
        synonyms,
        slots: Vec::new(),
        touched: Vec::new(),
        sec_touched: Vec::new(),
        surface_freq: Vec::new(),
        recent: [0; 2 * WINDOW],
        len: 0,
        filled: 0,
        lengths: [0; 4],
    };
    let n = analyzer.stems.len().max(1024);
    scratch.grow(n as u32, analyzer.surfaces.len().max(1024) as u32);
    let mut records = Records::default();
    let mut lengths = Vec::with_capacity(docs.len());
    let mut df = vec![0; analyzer.stems.len()];
    for (doc_idx, doc) in docs.iter().enumerate() {
        scratch.lengths = [0; 4];
        field(analyzer, &mut scratch, &doc.title, TITLE, 0);
        field(analyzer, &mut scratch, &doc.summary, META, 0);
        for list in [
            &doc.tags,
            &doc.keywords,
            &doc.stages,
            &doc.roles,
            &doc.personas,
        ] {
            for item in list {
                field(analyzer, &mut scratch, item, META, 0);
            }
        }
        for (i, section) in doc.sections.iter().enumerate() {
            let code = (i + 1).min(u16::MAX as usize) as u16;
            if let Some(heading) = &section.heading {
                field(analyzer, &mut scratch, heading, HEADINGS, code);
            }
            field(analyzer, &mut scratch, &section.text, BODY, code);
            scratch.end_section(code);
        }
        scratch.finish(first_doc + doc_idx as u32, &mut records, &mut df);
        lengths.push(scratch.lengths);
    }
    df.resize(analyzer.stems.len(), 0);
    let mut surface_freq = scratch.surface_freq;
    surface_freq.resize(analyzer.surfaces.len(), 0);
    Collection {
        records,
        lengths,
        df,
        surface_freq,
    }
}
