//! Lays the scored index out as static files: term shards, result fragments, fallback page
//! buckets, the typo lexicon, facet lists, and the manifest embedded in the entry script.
//! The file formats are described in `src/search/DESIGN.md` and in `search.js`, which reads them.
//!
//! Every file except the entry is `__fb_search_load("<name>",<json>)`, named `<kind>-<hash>`
//! after its content, so browsers may cache them forever.

use std::collections::HashMap;

use rayon::prelude::*;

use super::analyzer::Analyzer;
use super::card::{card, snippet, Card, Tables};
use super::collect::Collection;
use super::encode::{
    cmp_js, push_num_array, push_str, push_str_array, push_varint, script, short_hash,
};
use super::scoring::{top, Posting};
use super::{SearchDoc, SearchFile};

/// Target size of a term shard, in bytes.
const SHARD_TARGET: usize = 1100;
/// Pages a stem must be on to get a fragment (see `fill` in search.js).
const FRAGMENT_MIN: usize = 3;
/// Target size of a fragment file, in bytes (a frequent term gets a file of its own).
const FRAGMENT_TARGET: usize = 2500;
/// Results shipped per term in fragments.
pub(crate) const TOP_K: usize = 16;
/// Of those, how many carry a text snippet for a section hit (the dialog shows 6 results).
const SNIPPETS: usize = 6;
/// Pages per fallback bucket.
const BUCKET: usize = 3;
/// Nearest pages whose cards a page's bucket also carries.
const NEIGHBOURS: usize = 7;
/// Target size of a lexicon chunk, in bytes.
const LEXICON_TARGET: usize = 4000;

/// Everything the layout needs.
pub(crate) struct Input<'a> {
    pub docs: &'a [&'a SearchDoc<'a>],
    pub analyzer: &'a Analyzer,
    pub col: &'a Collection,
    pub postings: &'a [Vec<Posting>],
    pub language: &'a str,
    /// By page: its card and section references, made once (see [`cards`]).
    pub cards: &'a [Card<'a>],
}

/// Collects output files and guards their hashed names against collisions.
pub(crate) struct Files {
    pub files: Vec<SearchFile>,
    names: HashMap<String, usize>,
}

impl Files {
    pub fn new() -> Files {
        Files {
            files: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// Adds `payload` as `search/<prefix>-<hash>.js` and returns the name (without `.js`).
    pub fn add(&mut self, prefix: &str, payload: &str) -> String {
        let mut salt = 0u32;
        loop {
            let hash = if salt == 0 {
                short_hash(payload.as_bytes())
            } else {
                let mut salted = payload.as_bytes().to_vec();
                salted.extend_from_slice(&salt.to_le_bytes());
                short_hash(&salted)
            };
            let name = format!("{prefix}-{hash}");
            match self.names.get(&name) {
                Some(&i) if self.files[i].bytes == script(&name, payload) => return name,
                Some(_) => salt += 1,
                None => {
                    self.push(&name, script(&name, payload));
                    return name;
                }
            }
        }
    }

    /// Adds a file under a fixed name.
    pub fn push(&mut self, name: &str, bytes: Vec<u8>) {
        self.names.insert(name.to_string(), self.files.len());
        self.files.push(SearchFile {
            path: format!("search/{name}.js"),
            bytes,
        });
    }
}

fn postings_string(list: &[Posting]) -> String {
    let mut out = String::with_capacity(list.len() * 4);
    let mut next = 0u32;
    for p in list {
        push_varint(&mut out, p.doc - next);
        push_varint(&mut out, p.score as u32);
        push_varint(&mut out, p.sec as u32);
        next = p.doc + 1;
    }
    out
}

enum Key {
    Stem(u32),
    Surface(u32),
}

/// Writes all index files; returns the manifest JSON.
pub(crate) fn emit(input: &Input, files: &mut Files) -> String {
    let a = input.analyzer;
    let n_stems = a.stems.len();

    // Every stem that occurs, and every surface form that differs from its stem.
    let mut keys: Vec<(&str, Key)> = Vec::new();
    for (s, name) in a.stems.iter().enumerate() {
        if input.col.df[s] > 0 {
            keys.push((name, Key::Stem(s as u32)));
        }
    }
    for (f, name) in a.surfaces.iter().enumerate() {
        let stem = a.surface_stem[f];
        if input.col.surface_freq[f] > 0 && a.stems[stem as usize] != *name {
            keys.push((name, Key::Surface(f as u32)));
        }
    }
    keys.sort_by(|x, y| {
        cmp_js(x.0, y.0).then((matches!(x.1, Key::Surface(_))).cmp(&matches!(y.1, Key::Surface(_))))
    });
    let encoded: Vec<String> = (0..n_stems)
        .map(|s| {
            if input.col.df[s] > 0 {
                postings_string(&input.postings[s])
            } else {
                String::new()
            }
        })
        .collect();

    let shards = pack(&keys, &encoded, a);
    let mut shard_of_stem = vec![usize::MAX; n_stems];
    for (i, range) in shards.iter().enumerate() {
        for (_, key) in &keys[range.clone()] {
            if let Key::Stem(s) = key {
                shard_of_stem[*s as usize] = i;
            }
        }
    }

    let mut boundaries: Vec<String> = Vec::new();
    let mut payloads: Vec<String> = Vec::new();
    for (i, range) in shards.iter().enumerate() {
        boundaries.push(if i == 0 {
            String::new()
        } else {
            separator(keys[range.start - 1].0, keys[range.start].0)
        });
        payloads.push(shard_payload(
            input,
            files,
            &keys[range.clone()],
            &encoded,
            &shard_of_stem,
            i,
        ));
    }
    let shard_generation = generation(files, "t", &payloads);

    let lexicon = lexicon(input, files);
    let facets = facets(input.docs, files);
    let generation = buckets(input, files);

    let mut m = String::new();
    m.push_str("{\"v\":2,\"lang\":");
    push_str(&mut m, input.language);
    m.push_str(&format!(
        ",\"ap\":{},\"n\":{},\"k\":{},\"db\":{},\"dg\":",
        super::analyzer::splits_apostrophes(input.language) as u8,
        input.docs.len(),
        TOP_K,
        BUCKET
    ));
    push_str(&mut m, &generation);
    m.push_str(",\"tg\":");
    push_str(&mut m, &shard_generation);
    // Keys hold no spaces: one string is shorter than an array of them.
    m.push_str(",\"t\":");
    push_str(&mut m, &boundaries.join(" "));
    m.push_str(",\"lx\":[");
    for (i, (lo, hi, name)) in lexicon.iter().enumerate() {
        if i > 0 {
            m.push(',');
        }
        m.push_str(&format!("[{lo},{hi},"));
        push_str(&mut m, name);
        m.push(']');
    }
    m.push_str("],\"fx\":{");
    for (i, (facet, name)) in facets.iter().enumerate() {
        if i > 0 {
            m.push(',');
        }
        push_str(&mut m, facet);
        m.push(':');
        push_str(&mut m, name);
    }
    m.push_str("}}");
    m
}

/// Cuts the sorted keys into shards of about [`SHARD_TARGET`] bytes. A cut is moved (a little)
/// to where it separates no surface form from its stem, so one lookup is one request.
fn pack(keys: &[(&str, Key)], encoded: &[String], a: &Analyzer) -> Vec<std::ops::Range<usize>> {
    let n = keys.len();
    let mut position_of_stem: HashMap<u32, usize> = HashMap::new();
    for (i, (_, key)) in keys.iter().enumerate() {
        if let Key::Stem(s) = key {
            position_of_stem.insert(*s, i);
        }
    }
    // crossing[g]: pairs split by a cut before key g.
    let mut diff = vec![0i32; n + 2];
    for (i, (_, key)) in keys.iter().enumerate() {
        if let Key::Surface(f) = key {
            if let Some(&j) = position_of_stem.get(&a.surface_stem[*f as usize]) {
                let (lo, hi) = (i.min(j), i.max(j));
                diff[lo + 1] += 1;
                diff[hi + 1] -= 1;
            }
        }
    }
    let mut crossing = vec![0i32; n + 1];
    let mut run = 0;
    for g in 0..=n {
        run += diff[g];
        crossing[g] = run;
    }
    // Equal strings (a surface form and a stem) must share a shard: lookups go by string.
    for g in 1..n {
        if keys[g - 1].0 == keys[g].0 {
            crossing[g] += 1000;
        }
    }
    let size = |i: usize| {
        keys[i].0.len()
            + match keys[i].1 {
                Key::Stem(s) => encoded[s as usize].len() + 8,
                Key::Surface(_) => 4,
            }
    };
    let mut shards = Vec::new();
    let (mut start, mut bytes, mut i) = (0, 0, 0);
    while i < n {
        bytes += size(i);
        i += 1;
        if bytes >= SHARD_TARGET && i < n {
            // Look a few keys ahead for a clean cut.
            let mut cut = i;
            for g in i..(i + 8).min(n) {
                if crossing[g] < crossing[cut] {
                    cut = g;
                }
                if crossing[cut] == 0 {
                    break;
                }
            }
            while i < cut {
                i += 1;
            }
            shards.push(start..cut);
            start = cut;
            bytes = 0;
        }
    }
    if start < n || shards.is_empty() {
        shards.push(start..n);
    }
    shards
}

/// The shortest prefix of `next` (by characters) that sorts after `prev`.
fn separator(prev: &str, next: &str) -> String {
    for (i, c) in next.char_indices() {
        let candidate = &next[..i + c.len_utf8()];
        if cmp_js(candidate, prev).is_gt() {
            return candidate.to_string();
        }
    }
    next.to_string()
}

fn shard_payload(
    input: &Input,
    files: &mut Files,
    keys: &[(&str, Key)],
    encoded: &[String],
    shard_of_stem: &[usize],
    shard: usize,
) -> String {
    let a = input.analyzer;
    let stems: Vec<u32> = keys
        .iter()
        .filter_map(|(_, k)| match k {
            Key::Stem(s) => Some(*s),
            Key::Surface(_) => None,
        })
        .collect();
    let local: HashMap<u32, usize> = stems.iter().enumerate().map(|(i, &s)| (s, i)).collect();

    // Fragment files for the stems of this shard, packed in key order.
    let mut fragment_names: Vec<String> = Vec::new();
    let mut fragment_of: Vec<i64> = vec![-1; stems.len()];
    let mut group: Vec<usize> = Vec::new();
    let mut group_size = 0;
    for (i, &s) in stems.iter().enumerate() {
        let list = &input.postings[s as usize];
        // The client uses a fragment only when it holds at least 3 of the results it needs
        // (search.js, `fill`): a stem on fewer pages never gets one.
        if list.len() < FRAGMENT_MIN {
            continue;
        }
        group.push(i);
        group_size += list.len().min(TOP_K) * 150;
        if group_size >= FRAGMENT_TARGET {
            let name = fragment(input, files, &stems, &group);
            for &g in &group {
                fragment_of[g] = fragment_names.len() as i64;
            }
            fragment_names.push(name);
            group.clear();
            group_size = 0;
        }
    }
    if !group.is_empty() {
        let name = fragment(input, files, &stems, &group);
        for &g in &group {
            fragment_of[g] = fragment_names.len() as i64;
        }
        fragment_names.push(name);
    }

    let mut out = String::new();
    out.push_str("{\"w\":");
    let surfaces: Vec<u32> = keys
        .iter()
        .filter_map(|(_, k)| match k {
            Key::Surface(f) => Some(*f),
            Key::Stem(_) => None,
        })
        .collect();
    push_str_array(&mut out, surfaces.iter().map(|&f| &*a.surfaces[f as usize]));
    out.push_str(",\"m\":[");
    for (i, &f) in surfaces.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let stem = a.surface_stem[f as usize];
        match local.get(&stem) {
            Some(&l) if shard_of_stem[stem as usize] == shard => out.push_str(&l.to_string()),
            _ => push_str(&mut out, &a.stems[stem as usize]),
        }
    }
    out.push_str("],\"k\":");
    push_str_array(&mut out, stems.iter().map(|&s| &*a.stems[s as usize]));
    out.push_str(",\"n\":");
    push_num_array(
        &mut out,
        stems.iter().map(|&s| input.col.df[s as usize] as i64),
    );
    out.push_str(",\"p\":");
    push_str_array(
        &mut out,
        stems.iter().map(|&s| encoded[s as usize].as_str()),
    );
    out.push_str(",\"f\":");
    push_num_array(&mut out, fragment_of.iter().copied());
    out.push_str(",\"F\":");
    push_str_array(&mut out, fragment_names.iter().map(String::as_str));
    out.push('}');
    out
}

fn fragment(input: &Input, files: &mut Files, stems: &[u32], group: &[usize]) -> String {
    let mut docs: Vec<u32> = Vec::new();
    let mut entries = String::new();
    for (n, &i) in group.iter().enumerate() {
        let s = stems[i];
        if n > 0 {
            entries.push(',');
        }
        push_str(&mut entries, &input.analyzer.stems[s as usize]);
        entries.push_str(":[");
        for (j, p) in top(&input.postings[s as usize], TOP_K).iter().enumerate() {
            if j > 0 {
                entries.push(',');
            }
            docs.push(p.doc);
            entries.push_str(&format!("[{},{}", p.doc, p.sec));
            if p.sec > 0 {
                let section = &input.docs[p.doc as usize].sections[p.sec as usize - 1];
                entries.push(',');
                entries.push_str(&input.cards[p.doc as usize].sections[p.sec as usize - 1]);
                if j < SNIPPETS {
                    entries.push(',');
                    push_str(&mut entries, &snippet(&section.text, p.off));
                }
            }
            entries.push(']');
        }
        entries.push(']');
    }
    docs.sort_unstable();
    docs.dedup();
    let mut tables = Tables::default();
    let mut out = String::new();
    out.push_str("{\"c\":{");
    for (i, &d) in docs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{d}\":"));
        card(&mut out, &mut tables, &input.cards[d as usize]);
    }
    out.push_str("},\"e\":{");
    out.push_str(&entries);
    out.push('}');
    tables.write(&mut out);
    out.push('}');
    files.add("f", &out)
}

/// Page buckets, `d<bucket>-<generation>`: the cards and `[heading, anchor]` of every section of
/// [`BUCKET`] pages, plus the same for each page's [`NEIGHBOURS`] nearest pages: the pages a
/// query made of its title ranks next (see [`neighbours`]). The client loads the bucket of the
/// top hit, which then usually holds the other results too: one request for the result data.
fn buckets(input: &Input, files: &mut Files) -> String {
    let docs = input.docs;
    let near = neighbours(input);
    let bucket = |(b, chunk): (usize, &[&SearchDoc])| {
        let first = b * BUCKET;
        let mut pages: Vec<usize> = (first..first + chunk.len()).collect();
        // Sections of neighbours: only those their title-word postings link, as "page.sec".
        let mut linked: Vec<(usize, u16)> = Vec::new();
        for d in first..first + chunk.len() {
            for (q, secs) in &near[d] {
                let q = *q as usize;
                if !pages.contains(&q) {
                    pages.push(q);
                }
                if q >= first + chunk.len() || q < first {
                    linked.extend(secs.iter().map(|&s| (q, s)));
                }
            }
        }
        linked.sort_unstable();
        linked.dedup();
        let mut tables = Tables::default();
        let mut out = String::from("{\"c\":{");
        for (i, &d) in pages.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("\"{d}\":"));
            card(&mut out, &mut tables, &input.cards[d]);
        }
        out.push_str("},\"s\":{");
        for (i, &d) in pages[..chunk.len()].iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("\"{d}\":["));
            for (j, s) in input.cards[d].sections.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                out.push_str(s);
            }
            out.push(']');
        }
        out.push_str("},\"S\":{");
        for (i, &(d, sec)) in linked.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("\"{d}.{sec}\":["));
            out.push_str(&input.cards[d].sections[sec as usize - 1]);
            out.push(']');
        }
        out.push('}');
        tables.write(&mut out);
        out.push('}');
        out
    };
    let payloads: Vec<String> = docs.par_chunks(BUCKET).enumerate().map(bucket).collect();
    generation(files, "d", &payloads)
}

/// For every page, the pages a query made of its title words ranks right after it, scored as
/// the client scores (sum of the words' postings times the share of words matched). Title
/// words on more than a fifth of the pages are left out, like the stopwords a user leaves out.
fn neighbours(input: &Input) -> Vec<Vec<(u32, Vec<u16>)>> {
    let n = input.docs.len();
    let mut title_stems: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (s, list) in input.postings.iter().enumerate() {
        if list.len() * 5 > n.max(10) {
            continue;
        }
        for p in list {
            if p.title {
                title_stems[p.doc as usize].push(s as u32);
            }
        }
    }
    // Pages are independent: scored in parallel, each worker with its own dense scratch.
    let scratch = || (vec![0u32; n], vec![0u32; n], Vec::<u32>::new());
    let nearest = |(sum, count, touched): &mut (Vec<u32>, Vec<u32>, Vec<u32>), d: usize| {
        let stems = &title_stems[d];
        for &s in stems {
            for p in &input.postings[s as usize] {
                let q = p.doc as usize;
                if count[q] == 0 {
                    touched.push(p.doc);
                }
                count[q] += 1;
                sum[q] += p.score as u32;
            }
        }
        let mut scored: Vec<(u64, u32)> = touched
            .iter()
            .filter(|&&q| q as usize != d)
            .map(|&q| (sum[q as usize] as u64 * count[q as usize] as u64, q))
            .collect();
        // Best score first, then the lower page number: a total order, so the partial
        // selection below picks the same pages as a full sort.
        let rank = |x: &(u64, u32), y: &(u64, u32)| y.0.cmp(&x.0).then(x.1.cmp(&y.1));
        if scored.len() > NEIGHBOURS {
            scored.select_nth_unstable_by(NEIGHBOURS, rank);
            scored.truncate(NEIGHBOURS);
        }
        scored.sort_unstable_by(rank);
        let near: Vec<(u32, Vec<u16>)> = scored
            .iter()
            .map(|&(_, q)| {
                let mut secs: Vec<u16> = stems
                    .iter()
                    .filter_map(|&s| {
                        let list = &input.postings[s as usize];
                        let i = list.binary_search_by_key(&q, |p| p.doc).ok()?;
                        (list[i].sec > 0).then_some(list[i].sec)
                    })
                    .collect();
                secs.sort_unstable();
                secs.dedup();
                (q, secs)
            })
            .collect();
        for &q in touched.iter() {
            sum[q as usize] = 0;
            count[q as usize] = 0;
        }
        touched.clear();
        near
    };
    (0..n).into_par_iter().map_init(scratch, nearest).collect()
}

/// Writes `<prefix><i>-<generation>` files, the generation being the hash of them all, and
/// returns the generation. Used where the manifest would otherwise list one hash per file.
fn generation(files: &mut Files, prefix: &str, payloads: &[String]) -> String {
    let mut all = Vec::new();
    for p in payloads {
        all.extend_from_slice(p.as_bytes());
        all.push(0);
    }
    let generation = short_hash(&all);
    for (i, p) in payloads.iter().enumerate() {
        let name = format!("{prefix}{i}-{generation}");
        files.push(&name, script(&name, p));
    }
    generation
}

/// Surface forms for typo correction, by length then frequency; returns `(min, max, name)`.
fn lexicon(input: &Input, files: &mut Files) -> Vec<(usize, usize, String)> {
    let a = input.analyzer;
    let mut words: Vec<(usize, u32, &str)> = a
        .surfaces
        .iter()
        .enumerate()
        .filter(|&(f, w)| {
            let len = w.chars().count();
            input.col.surface_freq[f] > 0
                && (3..=24).contains(&len)
                && w.chars().all(char::is_alphabetic)
        })
        .map(|(f, w)| (w.chars().count(), input.col.surface_freq[f], &**w))
        .collect();
    words.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)).then(cmp_js(x.2, y.2)));
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for i in 0..words.len() {
        size += words[i].2.len() + 3;
        let last = i + 1 == words.len();
        // Never split one length across chunks, so a chunk is known by its length range.
        if last || (size >= LEXICON_TARGET && words[i + 1].0 != words[i].0) {
            let chunk = &words[start..=i];
            let mut payload = String::from("{\"w\":");
            push_str_array(&mut payload, chunk.iter().map(|w| w.2));
            payload.push('}');
            out.push((
                chunk[0].0,
                chunk[chunk.len() - 1].0,
                files.add("l", &payload),
            ));
            start = i + 1;
            size = 0;
        }
    }
    out
}

/// One file per facet: values and the pages having each, as varint page-number deltas.
fn facets(docs: &[&SearchDoc], files: &mut Files) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    type Getter = for<'d> fn(&'d SearchDoc<'_>) -> Vec<&'d str>;
    let facets: [(&'static str, Getter); 5] = [
        ("kind", |d| vec![d.kind.as_str()]),
        ("stage", |d| d.stages.iter().map(String::as_str).collect()),
        ("role", |d| d.roles.iter().map(String::as_str).collect()),
        ("persona", |d| {
            d.personas.iter().map(String::as_str).collect()
        }),
        ("tag", |d| d.tags.iter().map(String::as_str).collect()),
    ];
    for (facet, get) in facets {
        let mut values: Vec<(&str, Vec<u32>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (d, doc) in docs.iter().enumerate() {
            for v in get(doc) {
                if v.is_empty() {
                    continue;
                }
                let i = *index.entry(v).or_insert_with(|| {
                    values.push((v, Vec::new()));
                    values.len() - 1
                });
                if values[i].1.last() != Some(&(d as u32)) {
                    values[i].1.push(d as u32);
                }
            }
        }
        values.sort_by(|x, y| cmp_js(x.0, y.0));
        let mut payload = String::from("{\"v\":");
        push_str_array(&mut payload, values.iter().map(|v| v.0));
        payload.push_str(",\"d\":[");
        for (i, (_, list)) in values.iter().enumerate() {
            if i > 0 {
                payload.push(',');
            }
            let mut s = String::new();
            let mut next = 0;
            for &d in list {
                push_varint(&mut s, d - next);
                next = d + 1;
            }
            push_str(&mut payload, &s);
        }
        payload.push_str("]}");
        out.push((facet, files.add("x", &payload)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_short_and_ordered() {
        assert_eq!(separator("apple", "banana"), "b");
        assert_eq!(separator("plan", "planning"), "plann");
        assert_eq!(separator("deal", "deals"), "deals");
    }

    #[test]
    fn postings_encode_deltas() {
        let list = [
            Posting {
                doc: 3,
                score: 10,
                sec: 0,
                off: 0,
                title: true,
            },
            Posting {
                doc: 4,
                score: 40,
                sec: 2,
                off: 0,
                title: false,
            },
        ];
        let s = postings_string(&list);
        assert_eq!(
            super::super::encode::decode_varints(&s),
            [3, 10, 0, 0, 40, 2]
        );
    }
}
