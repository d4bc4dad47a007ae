//! Build-time relevance: BM25F over the four fields plus a title bonus, quantised to `u8` so
//! the client only adds small integers. Frequent terms keep only their best postings.
//!
//! Why a separate title bonus: BM25F saturates term frequency after the fields are merged, so a
//! term repeated in the body of a long page scores almost like the same term in a title. A
//! handbook search is mostly known-item lookup, where the title is the strongest evidence, so
//! the bonus is larger than saturated BM25F can be: a title hit outranks any body-only hit of
//! the same term, which also decides which postings survive the cap.
//!
//! Why `ln(1 + N/df)` instead of BM25's idf: BM25's idf tends to zero for words on most pages,
//! and quantised to `u8` such words would lose all resolution, yet "review" in a title still
//! tells "Legal review objections" from "Legal objections".

use super::collect::{Collection, Record, BODY, HEADINGS, META, TITLE};

/// Field weights (title, headings, meta, body); the title's is [`TITLE_BONUS`].
const WEIGHTS: [f32; 4] = [0.0, 3.0, 2.0, 1.0];
/// Length normalisation per field.
const B: [f32; 4] = [0.3, 0.4, 0.5, 0.75];
const K1: f32 = 1.2;
/// Added (in idf units) when the term is in the title; more than `k1 + 1 + HEADING_BONUS`, the
/// most any other field can give.
const TITLE_BONUS: f32 = 10.0;
/// Added (in idf units) when the term is in a heading, so that a section titled with the query
/// ("Exit criteria for negotiation") competes with pages that have one query word in the title.
const HEADING_BONUS: f32 = 1.0;
/// Largest quantised score.
pub(crate) const Q_MAX: f32 = 255.0;
/// Postings kept per stem besides title hits: bytes per query stay bounded however large the
/// site grows.
pub(crate) const POSTINGS_CAP: usize = 100;
/// Title hits kept per stem. Known-item lookups need every page with a query word in its title,
/// even for words in many titles ("objections", "checklist"), so these have their own cap.
pub(crate) const TITLE_CAP: usize = 1500;

/// One scored (stem, page) pair as shipped to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Posting {
    pub doc: u32,
    /// Quantised score, 1..=255.
    pub score: u8,
    /// 0 for a page-level hit (title, summary, tags, keywords), else 1 + section index.
    pub sec: u16,
    /// First occurrence in the section (see [`Record::off`]).
    pub off: u32,
    /// The term is in the title.
    pub title: bool,
}

/// Inverse document frequency, `ln(1 + N/df)`: at least `ln 2` (see the module docs).
pub(crate) fn idf(n_docs: usize, df: u32) -> f32 {
    (1.0 + n_docs as f32 / df.max(1) as f32).ln()
}

/// Unquantised score of one record: BM25F over headings, meta and body, plus the title bonus
/// scaled by the title's length.
pub(crate) fn bm25f(record: &Record, lengths: &[u32; 4], avg: &[f32; 4], idf: f32) -> f32 {
    let mut tf = 0.0;
    for f in [HEADINGS, META, BODY] {
        let t = record.tf[f] as f32;
        if t > 0.0 {
            let norm = 1.0 - B[f] + B[f] * lengths[f] as f32 / avg[f].max(1.0);
            tf += WEIGHTS[f] * t / norm;
        }
    }
    let mut score = idf * tf * (K1 + 1.0) / (tf + K1);
    if record.tf[HEADINGS] > 0 {
        score += idf * HEADING_BONUS;
    }
    if record.tf[TITLE] > 0 {
        // Shorter titles win ties: "Renewal examples" over "Renewal date examples".
        let norm = 1.0 - B[TITLE] + B[TITLE] * lengths[TITLE] as f32 / avg[TITLE].max(1.0);
        score += idf * TITLE_BONUS / norm;
    }
    score
}

/// Scores every record and groups the postings by stem: each list is capped at
/// [`POSTINGS_CAP`] (best scores kept, ties to the lower page number) and sorted by page.
pub(crate) fn postings(col: &Collection, n_stems: usize) -> Vec<Vec<Posting>> {
    let n_docs = col.lengths.len();
    let mut avg = [0f32; 4];
    for l in &col.lengths {
        for f in 0..4 {
            avg[f] += l[f] as f32;
        }
    }
    for a in &mut avg {
        *a /= n_docs.max(1) as f32;
    }
    let idfs: Vec<f32> = col.df.iter().map(|&df| idf(n_docs, df)).collect();
    let raw: Vec<f32> = col
        .records
        .iter()
        .map(|r| bm25f(r, &col.lengths[r.doc as usize], &avg, idfs[r.stem as usize]))
        .collect();
    let max = raw.iter().copied().fold(0f32, f32::max);
    let scale = if max > 0.0 { Q_MAX / max } else { 0.0 };

    let mut counts = vec![0usize; n_stems];
    for r in col.records.iter() {
        counts[r.stem as usize] += 1;
    }
    let mut lists: Vec<Vec<Posting>> = counts.iter().map(|&c| Vec::with_capacity(c)).collect();
    for (r, &s) in col.records.iter().zip(&raw) {
        let q = (s * scale).round().min(Q_MAX) as u8;
        if q == 0 {
            continue;
        }
        let sec = if r.tf[TITLE] > 0 { 0 } else { r.sec };
        lists[r.stem as usize].push(Posting {
            doc: r.doc,
            score: q,
            sec,
            off: r.off,
            title: r.tf[TITLE] > 0,
        });
    }
    for list in &mut lists {
        if list.len() > POSTINGS_CAP {
            cap(list);
            list.shrink_to_fit();
        }
        list.sort_unstable_by_key(|p| p.doc);
    }
    lists
}

/// Keeps the best [`TITLE_CAP`] title hits and the best [`POSTINGS_CAP`] other postings.
fn cap(list: &mut Vec<Posting>) {
    let mut title: Vec<Posting> = Vec::new();
    list.retain(|p| {
        let keep = !p.title;
        if !keep {
            title.push(*p);
        }
        keep
    });
    for (part, n) in [(&mut title, TITLE_CAP), (&mut *list, POSTINGS_CAP)] {
        if part.len() > n {
            part.select_nth_unstable_by(n - 1, by_rank);
            part.truncate(n);
        }
    }
    list.append(&mut title);
}

/// Rank order: higher score first, then lower page number (the client uses the same order).
pub(crate) fn by_rank(a: &Posting, b: &Posting) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then(a.doc.cmp(&b.doc))
}

/// The `k` best postings of a list, in rank order.
pub(crate) fn top(list: &[Posting], k: usize) -> Vec<Posting> {
    let mut best = list.to_vec();
    best.sort_unstable_by(by_rank);
    best.truncate(k);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(doc: u32, tf: [u16; 4]) -> Record {
        Record {
            stem: 0,
            doc,
            tf,
            sec: 1,
            off: 0,
        }
    }

    const AVG: [f32; 4] = [5.0, 20.0, 20.0, 500.0];

    #[test]
    fn idf_falls_with_document_frequency() {
        assert!(idf(1000, 1) > idf(1000, 10));
        assert!(idf(1000, 1000) >= 2f32.ln());
    }

    #[test]
    fn title_beats_repeated_body() {
        let lengths = [5, 20, 20, 500];
        let title = bm25f(&record(0, [1, 0, 0, 0]), &lengths, &AVG, 2.0);
        let body = bm25f(&record(1, [0, 5, 5, 50]), &lengths, &AVG, 2.0);
        assert!(title > body, "{title} vs {body}");
    }

    #[test]
    fn fields_rank_title_headings_meta_body() {
        let lengths = [5, 20, 20, 500];
        let s = |tf| bm25f(&record(0, tf), &lengths, &AVG, 2.0);
        assert!(s([1, 0, 0, 0]) > s([0, 1, 0, 0]));
        assert!(s([0, 1, 0, 0]) > s([0, 0, 1, 0]));
        assert!(s([0, 0, 1, 0]) > s([0, 0, 0, 1]));
    }

    #[test]
    fn shorter_titles_score_higher() {
        let s = |len| bm25f(&record(0, [1, 0, 0, 0]), &[len, 20, 20, 500], &AVG, 2.0);
        assert!(s(2) > s(10));
    }

    #[test]
    fn postings_are_quantised_capped_and_sorted() {
        let n = POSTINGS_CAP as u32 + 50;
        let mut records: Vec<Record> = (0..n)
            .map(|d| record(d, [0, 0, 0, (d % 7 + 1) as u16]))
            .collect();
        // A weak title hit survives the cap; body-only postings compete for the rest.
        records[0].tf = [1, 0, 0, 0];
        let col = Collection {
            lengths: vec![[5, 20, 20, 500]; n as usize * 4],
            df: vec![n],
            surface_freq: vec![],
            records: records.into_iter().collect(),
        };
        let lists = postings(&col, 1);
        let list = &lists[0];
        assert_eq!(list.len(), POSTINGS_CAP + 1);
        assert_eq!(list[0].doc, 0);
        assert!(list.windows(2).all(|w| w[0].doc < w[1].doc));
        assert_eq!(list.iter().map(|p| p.score).max(), Some(255));
        // The dropped postings are the lowest-scoring ones.
        let kept_min = list.iter().map(|p| p.score).min().unwrap();
        let top = top(list, 3);
        assert!(top.windows(2).all(|w| by_rank(&w[0], &w[1]).is_lt()));
        assert!(kept_min >= 1);
    }

    #[test]
    fn title_hits_are_page_level() {
        let mut r = record(0, [1, 0, 0, 3]);
        r.sec = 4;
        let col = Collection {
            lengths: vec![[5, 20, 20, 500]; 4],
            df: vec![1],
            surface_freq: vec![],
            records: std::iter::once(r).collect(),
        };
        assert_eq!(postings(&col, 1)[0][0].sec, 0);
    }
}
