//! Text analysis for the search index: diacritic folding, word segmentation, compound
//! splitting and Snowball stemming, with a term dictionary that interns every surface form
//! and stem once.
//!
//! The client (`search.js`) repeats the folding and segmentation on the query but has no
//! stemmer: term shards carry the surface-form -> stem map instead. The two sides must agree on
//! what a word is, so the rules here are deliberately simple:
//! - text is lowercased, NFKD-decomposed and stripped of combining marks (`café` -> `cafe`);
//! - words follow Unicode word boundaries (UAX #29, `unicode-segmentation`); for ASCII text a
//!   hand-written scanner implements the same rules much faster;
//! - words joined by a single `-` or `/` are indexed as parts and joined
//!   (`ride-along` -> `ride`, `along`, `ridealong`);
//! - words with digits, `_`, `.` or `:` are kept verbatim; the rest are stemmed.
//!
//! No I/O; no allocation per token once a word has been seen.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Longest word (in bytes, after folding) that is indexed; longer "words" are ids or noise.
pub(crate) const MAX_WORD_LEN: usize = 40;

/// Longest chunk (bytes between ASCII whitespace) whose tokens are cached.
const CACHED_CHUNK: usize = 32;
/// Bound on the chunk cache, for text that never repeats itself.
const MAX_CACHED_CHUNKS: usize = 1 << 18;

/// A cached chunk, inline: fixed-size keys hash and compare without a call to `memcmp`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct ChunkKey {
    len: u8,
    bytes: [u8; CACHED_CHUNK],
}

impl std::hash::Hash for ChunkKey {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The bytes past `len` are zero, so the words holding the chunk are enough: one word
        // for most words of a text instead of all four.
        state.write_u8(self.len);
        let words = (self.len as usize).div_ceil(8);
        for word in self.bytes[..words * 8].chunks_exact(8) {
            state.write_u64(u64::from_le_bytes(word.try_into().unwrap()));
        }
    }
}

impl ChunkKey {
    /// The key of `text[start..end]`, read eight bytes at a time where the text allows.
    #[inline(always)]
    fn new(text: &[u8], start: usize, end: usize) -> ChunkKey {
        let len = end - start;
        debug_assert!(len <= CACHED_CHUNK);
        let mut key = ChunkKey {
            len: len as u8,
            bytes: [0; CACHED_CHUNK],
        };
        if start + CACHED_CHUNK <= text.len() {
            // Copy whole words and clear the bytes past the chunk.
            let words = len.div_ceil(8);
            for w in 0..words {
                let at = start + 8 * w;
                let mut word = u64::from_le_bytes(text[at..at + 8].try_into().unwrap());
                let keep = len - 8 * w;
                if keep < 8 {
                    word &= (1u64 << (8 * keep)) - 1;
                }
                key.bytes[8 * w..8 * w + 8].copy_from_slice(&word.to_le_bytes());
            }
        } else {
            key.bytes[..len].copy_from_slice(&text[start..end]);
        }
        key
    }
}

/// Where the chunk starting at `i` ends (the next ASCII whitespace, or the end of `bytes`)
/// and whether it is all ASCII. Looks at eight bytes at a time: a word of prose usually ends
/// within the first eight.
#[inline(always)]
fn chunk_end(bytes: &[u8], mut i: usize) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut ascii = true;
    while i + 8 <= bytes.len() {
        let x = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
        // High bit of each byte below 0x21 (ASCII whitespace is among them) or above 0x7f.
        // Borrows can only mark bytes above a marked one, so the lowest mark is exact.
        let marks = ((x.wrapping_sub(ONES * 0x21) & !x) | x) & HIGH;
        if marks == 0 {
            i += 8;
            continue;
        }
        let k = i + (marks.trailing_zeros() / 8) as usize;
        let b = bytes[k];
        if b.is_ascii_whitespace() {
            return (k, ascii);
        }
        ascii &= b < 0x80;
        i = k + 1;
    }
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
        ascii &= bytes[i] < 0x80;
        i += 1;
    }
    (i, ascii)
}

/// A fast non-cryptographic hasher (the FxHash mix used by rustc) for the term dictionary.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` using [`FxHasher`]; used for lookups only, never iterated into output.
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One indexed token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    /// Surface-form id (the folded word as written).
    pub surface: u32,
    /// Stem id.
    pub stem: u32,
    /// Byte offset of the word (or of its whitespace-delimited chunk) in the analysed text.
    pub offset: u32,
    /// The word was written in capitals (`MAP`, not `map` or `Map`); used for acronym synonyms.
    pub upper: bool,
    /// The joined form of a hyphenated or slashed compound (`ridealong`).
    pub joined: bool,
}

/// Maps a site language code (`en`, `de-AT`, `pt_BR`) to a Snowball algorithm, if any.
pub(crate) fn algorithm_for(language: &str) -> Option<Algorithm> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match primary.as_str() {
        "en" => Algorithm::English,
        "de" => Algorithm::German,
        "fr" => Algorithm::French,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "pt" => Algorithm::Portuguese,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "da" => Algorithm::Danish,
        "fi" => Algorithm::Finnish,
        "ru" => Algorithm::Russian,
        "ro" => Algorithm::Romanian,
        "hu" => Algorithm::Hungarian,
        "tr" => Algorithm::Turkish,
        "ar" => Algorithm::Arabic,
        "el" => Algorithm::Greek,
        "ta" => Algorithm::Tamil,
        _ => return None,
    })
}

/// Whether words with an apostrophe are split into their parts (`l'équipe` -> `equipe`).
/// English keeps `customer's` whole and lets the stemmer remove the possessive.
pub(crate) fn splits_apostrophes(language: &str) -> bool {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    !primary.eq_ignore_ascii_case("en")
}

/// Lowercases, decomposes (NFKD) and strips combining marks; typographic apostrophes become `'`.
pub(crate) fn fold(text: &str) -> String {
    let lower: String = text.chars().flat_map(char::to_lowercase).collect();
    lower
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            _ => c,
        })
        .collect()
}

/// The interned vocabulary plus the language's stemmer.
pub(crate) struct Analyzer {
    algorithm: Option<Algorithm>,
    stemmer: Option<Stemmer>,
    split_apostrophes: bool,
    surface_ids: FxMap<Box<str>, u32>,
    /// Surface forms by id.
    pub surfaces: Vec<Box<str>>,
    /// Stem id of each surface form.
    pub surface_stem: Vec<u32>,
    stem_ids: FxMap<Box<str>, u32>,
    /// Stems by id.
    pub stems: Vec<Box<str>>,
    // Whitespace-delimited ASCII chunks seen before ("pipeline,", "(MEDDPICC)") and their
    // tokens, with offsets relative to the chunk: prose repeats them, so most chunks cost
    // one hash lookup.
    chunk_cache: FxMap<ChunkKey, (u32, u32)>,
    cached: Vec<Token>,
    // Scratch buffers, reused so that known words cost no allocation.
    word: String,
    joined: String,
    spans: Vec<Span>,
}

#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    // A single `-` or `/` links this word to the next one.
    linked: bool,
}

impl Analyzer {
    /// An analyzer for a site language; unknown languages get no stemming.
    pub fn new(language: &str) -> Analyzer {
        let algorithm = algorithm_for(language);
        Analyzer {
            algorithm,
            stemmer: algorithm.map(Stemmer::create),
            split_apostrophes: splits_apostrophes(language),
            surface_ids: FxMap::default(),
            surfaces: Vec::new(),
            surface_stem: Vec::new(),
            stem_ids: FxMap::default(),
            stems: Vec::new(),
            chunk_cache: FxMap::default(),
            cached: Vec::new(),
            word: String::new(),
            joined: String::new(),
            spans: Vec::new(),
        }
    }

    /// Analyses `text`, calling `sink` for every token in order. Kept out of line: inlined
    /// into the first pass (as fat LTO does), it ran ~3 % more instructions there.
    #[inline(never)]
    pub fn analyze(&mut self, text: &str, sink: &mut impl FnMut(Token)) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            let ascii;
            (i, ascii) = chunk_end(bytes, i);
            // ASCII whitespace is always a word boundary, so chunks can be analysed alone.
            if ascii && i - start <= CACHED_CHUNK {
                self.cached_chunk(bytes, start, i, sink);
            } else if ascii {
                self.ascii_chunk(&text[start..i], start as u32, false, sink);
            } else {
                self.unicode_chunk(&text[start..i], start as u32, sink);
            }
        }
    }

    /// A copy for another thread: the same vocabulary and ids, empty caches.
    pub fn fork(&self) -> Analyzer {
        Analyzer {
            algorithm: self.algorithm,
            stemmer: self.algorithm.map(Stemmer::create),
            split_apostrophes: self.split_apostrophes,
            surface_ids: self.surface_ids.clone(),
            surfaces: self.surfaces.clone(),
            surface_stem: self.surface_stem.clone(),
            stem_ids: self.stem_ids.clone(),
            stems: self.stems.clone(),
            chunk_cache: FxMap::default(),
            cached: Vec::new(),
            word: String::new(),
            joined: String::new(),
            spans: Vec::new(),
        }
    }

    /// Adds the vocabulary of a fork; returns maps from its surface and stem ids to ours.
    pub fn adopt(&mut self, other: &Analyzer) -> (Vec<u32>, Vec<u32>) {
        let stems: Vec<u32> = other
            .stems
            .iter()
            .map(|stem| match self.stem_ids.get(stem) {
                Some(&id) => id,
                None => {
                    let id = self.stems.len() as u32;
                    self.stems.push(stem.clone());
                    self.stem_ids.insert(stem.clone(), id);
                    id
                }
            })
            .collect();
        let surfaces = other
            .surfaces
            .iter()
            .zip(&other.surface_stem)
            .map(|(surface, &stem)| match self.surface_ids.get(surface) {
                Some(&id) => id,
                None => {
                    let id = self.surfaces.len() as u32;
                    self.surfaces.push(surface.clone());
                    self.surface_stem.push(stems[stem as usize]);
                    self.surface_ids.insert(surface.clone(), id);
                    id
                }
            })
            .collect();
        (surfaces, stems)
    }

    /// The tokens of the ASCII chunk `text[start..end]` (at most [`CACHED_CHUNK`] bytes), from
    /// the cache when it was seen before.
    fn cached_chunk(
        &mut self,
        text: &[u8],
        start: usize,
        end: usize,
        sink: &mut impl FnMut(Token),
    ) {
        let key = ChunkKey::new(text, start, end);
        let offset = start as u32;
        let (from, to) = match self.chunk_cache.get(&key) {
            Some(&range) => range,
            None => {
                // `text[start..end]` is ASCII, so it is a `str` of its own.
                let chunk = std::str::from_utf8(&text[start..end]).expect("ASCII chunk");
                let mut cached = std::mem::take(&mut self.cached);
                let from = cached.len() as u32;
                self.ascii_chunk(chunk, 0, false, &mut |t| cached.push(t));
                let range = (from, cached.len() as u32);
                self.cached = cached;
                if self.chunk_cache.len() < MAX_CACHED_CHUNKS {
                    self.chunk_cache.insert(key, range);
                } else {
                    self.cached.truncate(from as usize);
                    return self.ascii_chunk(chunk, offset, false, sink);
                }
                range
            }
        };
        for t in &self.cached[from as usize..to as usize] {
            sink(Token {
                offset: offset + t.offset,
                ..*t
            });
        }
    }

    /// Interns a folded word and returns its surface id.
    pub fn intern(&mut self, folded: &str) -> u32 {
        if let Some(&id) = self.surface_ids.get(folded) {
            return id;
        }
        let stem = match &self.stemmer {
            Some(stemmer) if folded.chars().all(|c| c.is_alphabetic() || c == '\'') => {
                stemmer.stem(folded).into_owned()
            }
            _ => folded.to_string(),
        };
        let stem = stem.trim_matches('\'');
        let stem = if stem.is_empty() { folded } else { stem };
        let stem_id = match self.stem_ids.get(stem) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                self.stems.push(stem.into());
                self.stem_ids.insert(stem.into(), id);
                id
            }
        };
        let id = self.surfaces.len() as u32;
        self.surfaces.push(folded.into());
        self.surface_stem.push(stem_id);
        self.surface_ids.insert(folded.into(), id);
        id
    }

    fn emit(
        &mut self,
        word_start: usize,
        offset: u32,
        upper: bool,
        joined: bool,
        sink: &mut impl FnMut(Token),
    ) {
        let word = &self.word[word_start..];
        if word.is_empty() || word.len() > MAX_WORD_LEN {
            return;
        }
        let surface = match self.surface_ids.get(word) {
            Some(&id) => id,
            None => {
                let owned = word.to_string();
                self.intern(&owned)
            }
        };
        let stem = self.surface_stem[surface as usize];
        sink(Token {
            surface,
            stem,
            offset,
            upper,
            joined,
        });
    }

    /// Emits one word (already lowercase in `self.word`), its `_` / apostrophe parts.
    fn emit_word(&mut self, offset: u32, upper: bool, sink: &mut impl FnMut(Token)) {
        let has_underscore = self.word.contains('_');
        let has_apostrophe = self.split_apostrophes && self.word.contains('\'');
        if !has_apostrophe {
            self.emit(0, offset, upper, false, sink);
        }
        if has_underscore || has_apostrophe {
            let whole = std::mem::take(&mut self.word);
            let sep: &[char] = if has_apostrophe { &['_', '\''] } else { &['_'] };
            for part in whole.split(sep) {
                // Elided articles (`l'`, `d'`, `qu'`) and one-letter parts are noise.
                if part.chars().count() >= 2
                    && !(has_apostrophe && part.len() <= 2 && whole.starts_with(part))
                {
                    self.word.clear();
                    self.word.push_str(part);
                    self.emit(0, offset, upper, false, sink);
                }
            }
            self.word = whole;
        }
    }

    /// Emits the words of `spans` (over `chunk`), then the joined forms of linked runs.
    fn emit_spans(
        &mut self,
        chunk: &str,
        offset: u32,
        chunk_offsets: bool,
        sink: &mut impl FnMut(Token),
    ) {
        let spans = std::mem::take(&mut self.spans);
        let mut run_start = 0;
        for (k, span) in spans.iter().enumerate() {
            let text = &chunk[span.start..span.end];
            let off = if chunk_offsets {
                offset
            } else {
                offset + span.start as u32
            };
            self.word.clear();
            let mut letters = 0;
            let mut upper = true;
            for b in text.bytes() {
                if b.is_ascii_alphabetic() {
                    letters += 1;
                    upper &= b.is_ascii_uppercase();
                }
            }
            upper &= letters >= 2;
            if text.is_ascii() {
                for b in text.bytes() {
                    self.word.push(b.to_ascii_lowercase() as char);
                }
            } else {
                self.word.push_str(text);
            }
            self.emit_word(off, upper, sink);
            if !span.linked {
                if k > run_start {
                    self.joined.clear();
                    for s in &spans[run_start..=k] {
                        self.joined.push_str(&chunk[s.start..s.end]);
                    }
                    self.word.clear();
                    for c in self.joined.chars() {
                        if c != '_' && c != '\'' {
                            self.word.push(c.to_ascii_lowercase());
                        }
                    }
                    let off = if chunk_offsets {
                        offset
                    } else {
                        offset + spans[run_start].start as u32
                    };
                    self.emit(0, off, false, true, sink);
                }
                run_start = k + 1;
            }
        }
        self.spans = spans;
        self.spans.clear();
    }

    /// Segments an ASCII chunk (no whitespace) with the ASCII subset of the UAX #29 word rules.
    fn ascii_chunk(
        &mut self,
        chunk: &str,
        offset: u32,
        chunk_offsets: bool,
        sink: &mut impl FnMut(Token),
    ) {
        let b = chunk.as_bytes();
        let n = b.len();
        let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        self.spans.clear();
        let mut i = 0;
        while i < n {
            if !is_word(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            let mut alnum = false;
            loop {
                while i < n && is_word(b[i]) {
                    alnum |= b[i] != b'_';
                    i += 1;
                }
                // WB6/7: letter (: . ') letter; WB11/12: digit (, ; . ') digit.
                if i + 1 < n {
                    let (prev, mid, next) = (b[i - 1], b[i], b[i + 1]);
                    let letters = prev.is_ascii_alphabetic()
                        && next.is_ascii_alphabetic()
                        && matches!(mid, b':' | b'.' | b'\'');
                    let digits = prev.is_ascii_digit()
                        && next.is_ascii_digit()
                        && matches!(mid, b',' | b';' | b'.' | b'\'');
                    if letters || digits {
                        i += 1;
                        continue;
                    }
                }
                break;
            }
            if !alnum {
                continue;
            }
            let linked = i + 1 < n && matches!(b[i], b'-' | b'/') && is_word(b[i + 1]);
            self.spans.push(Span {
                start,
                end: i,
                linked,
            });
        }
        self.emit_spans(chunk, offset, chunk_offsets, sink);
    }

    /// Folds a chunk holding non-ASCII text and segments it with `unicode-segmentation`.
    fn unicode_chunk(&mut self, chunk: &str, offset: u32, sink: &mut impl FnMut(Token)) {
        let folded = fold(chunk);
        if folded.is_ascii() {
            return self.ascii_chunk(&folded, offset, true, sink);
        }
        self.spans.clear();
        let segments: Vec<(usize, &str)> = folded.split_word_bound_indices().collect();
        for (k, &(start, seg)) in segments.iter().enumerate() {
            if !seg.chars().any(char::is_alphanumeric) {
                continue;
            }
            let linked = matches!(segments.get(k + 1), Some((_, "-" | "/" | "\u{2010}")))
                && segments
                    .get(k + 2)
                    .is_some_and(|(_, s)| s.chars().any(char::is_alphanumeric));
            self.spans.push(Span {
                start,
                end: start + seg.len(),
                linked,
            });
        }
        self.emit_spans(&folded, offset, true, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(language: &str, text: &str) -> Vec<String> {
        let mut analyzer = Analyzer::new(language);
        let mut out = Vec::new();
        analyzer.analyze(text, &mut |t| out.push(t.surface));
        out.iter()
            .map(|&s| {
                let stem = &analyzer.stems[analyzer.surface_stem[s as usize] as usize];
                format!("{}>{}", analyzer.surfaces[s as usize], stem)
            })
            .collect()
    }

    fn check(language: &str, text: &str, expected: &str) {
        assert_eq!(words(language, text).join(" "), expected, "input: {text:?}");
    }

    #[test]
    fn lowercases_and_stems_english() {
        check("en", "Running Deals", "running>run deals>deal");
    }

    #[test]
    fn folds_diacritics() {
        check("fr", "Équipe café", "equipe>equip cafe>caf");
        check("xx", "naïve Straße", "naive>naive straße>straße");
    }

    #[test]
    fn unknown_language_does_not_stem() {
        check("tlh", "running deals", "running>running deals>deals");
        check("", "running", "running>running");
    }

    #[test]
    fn language_tags_map_to_primary_subtag() {
        assert!(algorithm_for("de-AT").is_some());
        assert!(algorithm_for("pt_BR").is_some());
        assert!(algorithm_for("nb").is_some());
        assert!(algorithm_for("zz").is_none());
    }

    #[test]
    fn hyphenated_and_slashed_terms_are_split_and_joined() {
        check(
            "en",
            "ride-along",
            "ride>ride along>along ridealong>ridealong",
        );
        check(
            "en",
            "win/loss review",
            "win>win loss>loss winloss>winloss review>review",
        );
        check("en", "a - b", "a>a b>b");
    }

    #[test]
    fn punctuation_follows_word_boundaries() {
        check(
            "xx",
            "e.g. 3.5, (MEDDPICC)",
            "e.g>e.g 3.5>3.5 meddpicc>meddpicc",
        );
        check("xx", "deal, then", "deal>deal then>then");
    }

    #[test]
    fn identifiers_keep_whole_and_parts() {
        check(
            "en",
            "Close_Date__c",
            "close_date__c>close_date__c close>close date>date",
        );
    }

    #[test]
    fn apostrophes() {
        check("en", "customer’s", "customer's>custom");
        check("fr", "l'équipe", "equipe>equip");
    }

    #[test]
    fn unicode_text_uses_word_segmentation() {
        check("ru", "Продажи — это", "продажи>продаж это>эт");
        check("xx", "co\u{2010}op", "co>co op>op coop>coop");
    }

    #[test]
    fn uppercase_flag_marks_acronyms() {
        let mut analyzer = Analyzer::new("en");
        let mut flags = Vec::new();
        analyzer.analyze("MAP map Map A", &mut |t| flags.push(t.upper));
        assert_eq!(flags, [true, false, false, false]);
    }

    #[test]
    fn offsets_point_at_words() {
        let mut analyzer = Analyzer::new("en");
        let mut offsets = Vec::new();
        analyzer.analyze("ab  cd-ef", &mut |t| offsets.push(t.offset));
        assert_eq!(offsets, [0, 4, 7, 4]);
    }

    #[test]
    fn known_words_are_interned_once() {
        let mut analyzer = Analyzer::new("en");
        analyzer.analyze("plan plans planning plan", &mut |_| {});
        assert_eq!(analyzer.surfaces.len(), 3);
        assert_eq!(analyzer.stems.len(), 1);
    }
}
