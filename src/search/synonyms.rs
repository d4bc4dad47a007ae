//! Synonym groups, expanded at index time: where a page says one member of a group, the
//! tokens of every other member are added to the same field, so the client needs no synonym
//! table and a query for `MAP` finds "mutual action plan" and back.
//!
//! A short single-word member (up to 5 letters) of a group that also has a multi-word member is
//! an acronym: it only triggers expansion where the page writes it in capitals (`MAP`, not the
//! verb "map"). Queries are not affected by this rule.

use super::analyzer::{Analyzer, Token};

/// Longest member matched, in words; longer ones are ignored.
pub(crate) const MAX_MEMBER_WORDS: usize = 8;

/// Synonym groups shipped for sales handbooks (used when `default_synonyms` is set).
pub const DEFAULT_SYNONYMS: &[&[&str]] = &[
    &["icp", "ideal customer profile"],
    &["eb", "economic buyer"],
    &["poc", "proof of concept"],
    &["pov", "proof of value"],
    &[
        "map",
        "mutual action plan",
        "mutual close plan",
        "close plan",
    ],
    &[
        "se",
        "sales engineer",
        "solutions engineer",
        "solution engineer",
        "presales",
    ],
    &[
        "sdr",
        "sales development rep",
        "sales development representative",
    ],
    &[
        "bdr",
        "business development rep",
        "business development representative",
    ],
    &["ae", "account executive"],
    &["am", "account manager"],
    &["csm", "customer success manager"],
    &["qbr", "quarterly business review"],
    &["arr", "annual recurring revenue"],
    &["mrr", "monthly recurring revenue"],
    &["acv", "annual contract value"],
    &["tcv", "total contract value"],
    &["tco", "total cost of ownership"],
    &["roi", "return on investment"],
    &[
        "rfp",
        "request for proposal",
        "rfi",
        "request for information",
        "rfq",
        "request for quotation",
    ],
    &["meddpicc", "meddicc", "meddic", "meddpic", "meddppicc"],
    &["bant", "budget authority need timeline"],
    &[
        "nrr",
        "net revenue retention",
        "ndr",
        "net dollar retention",
    ],
    &["crm", "customer relationship management"],
    &["tam", "total addressable market"],
    &["dmu", "decision making unit", "buying committee"],
    &["kpi", "key performance indicator"],
    &["mql", "marketing qualified lead"],
    &["sql", "sales qualified lead"],
    &["cac", "customer acquisition cost"],
    &["ltv", "lifetime value", "clv", "customer lifetime value"],
    &["nps", "net promoter score"],
    &["sow", "statement of work"],
    &["msa", "master services agreement"],
    &["nda", "non disclosure agreement"],
    &["saas", "software as a service"],
    &["gtm", "go to market"],
    &["abm", "account based marketing"],
    &["revops", "revenue operations"],
    &["cro", "chief revenue officer"],
    &["cfo", "chief financial officer"],
    &["cio", "chief information officer"],
    &["ciso", "chief information security officer"],
    &["cto", "chief technology officer"],
    &["vp", "vice president"],
    &["deal review", "opportunity review", "pipeline review"],
    &["ride-along", "joint call", "field coaching"],
];

/// One member of a group, as analysed stems.
struct Member {
    stems: Vec<u32>,
    surfaces: Vec<u32>,
    acronym: bool,
}

/// Compiled synonym groups, ready to match token streams.
pub(crate) struct Synonyms {
    groups: Vec<Vec<Member>>,
    /// `(last stem, group, member)` for every member, sorted by last stem.
    by_last: Vec<(u32, u32, u32)>,
    /// Whether a stem ends some member (indexed by stem id; grows with the vocabulary).
    ends: Vec<bool>,
}

impl Synonyms {
    /// Analyses and merges groups: groups sharing a member become one group.
    pub fn compile(analyzer: &mut Analyzer, user: &[Vec<String>], defaults: bool) -> Synonyms {
        let mut raw: Vec<Vec<String>> = Vec::new();
        if defaults {
            raw.extend(
                DEFAULT_SYNONYMS
                    .iter()
                    .map(|g| g.iter().map(|s| s.to_string()).collect()),
            );
        }
        raw.extend(user.iter().cloned());

        // Analyse every member; key members by their stem sequence.
        let mut keys: Vec<Vec<u32>> = Vec::new();
        let mut members: Vec<Member> = Vec::new();
        let mut parent: Vec<usize> = Vec::new();
        let mut group_of_raw: Vec<Vec<usize>> = Vec::new();
        for group in &raw {
            let mut ids = Vec::new();
            for text in group {
                let mut stems = Vec::new();
                let mut surfaces = Vec::new();
                // `ride-along` yields ride, along, ridealong: match on the parts only.
                analyzer.analyze(text, &mut |t: Token| {
                    if !t.joined {
                        stems.push(t.stem);
                        surfaces.push(t.surface);
                    }
                });
                if stems.is_empty() || stems.len() > MAX_MEMBER_WORDS {
                    continue;
                }
                let id = match keys.iter().position(|k| *k == stems) {
                    Some(id) => id,
                    None => {
                        keys.push(stems.clone());
                        members.push(Member {
                            stems,
                            surfaces,
                            acronym: false,
                        });
                        parent.push(parent.len());
                        parent.len() - 1
                    }
                };
                ids.push(id);
            }
            group_of_raw.push(ids);
        }
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for ids in &group_of_raw {
            for pair in ids.windows(2) {
                let (a, b) = (find(&mut parent, pair[0]), find(&mut parent, pair[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut root_group: Vec<Option<usize>> = vec![None; members.len()];
        let mut groups: Vec<Vec<Member>> = Vec::new();
        let mut slots: Vec<Vec<usize>> = Vec::new();
        for id in 0..members.len() {
            let root = find(&mut parent, id);
            let g = *root_group[root].get_or_insert_with(|| {
                slots.push(Vec::new());
                slots.len() - 1
            });
            slots[g].push(id);
        }
        let mut taken: Vec<Option<Member>> = members.into_iter().map(Some).collect();
        for ids in slots {
            if ids.len() < 2 {
                continue;
            }
            let mut group: Vec<Member> = ids.iter().map(|&i| taken[i].take().unwrap()).collect();
            let has_phrase = group.iter().any(|m| m.stems.len() > 1);
            for m in &mut group {
                let len = analyzer.surfaces[m.surfaces[0] as usize].chars().count();
                m.acronym = has_phrase && m.stems.len() == 1 && len <= 5;
            }
            groups.push(group);
        }
        let mut by_last = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            for (m, member) in group.iter().enumerate() {
                by_last.push((*member.stems.last().unwrap(), g as u32, m as u32));
            }
        }
        by_last.sort_unstable();
        let mut ends = vec![false; analyzer.stems.len()];
        for &(stem, _, _) in &by_last {
            ends[stem as usize] = true;
        }
        Synonyms {
            groups,
            by_last,
            ends,
        }
    }

    /// Whether some member ends with this stem (the cheap test before [`Synonyms::expand`]).
    #[inline]
    pub fn ends_with(&self, stem: u32) -> bool {
        self.ends.get(stem as usize).copied().unwrap_or(false)
    }

    /// Checks whether the stems ending at `recent.last()` complete a member; if so, calls
    /// `inject(stem, surface)` for each token of every other member of its group. `upper` says
    /// whether the last word was written in capitals.
    pub fn expand(&self, recent: &[u32], upper: bool, inject: &mut impl FnMut(u32, u32)) {
        let Some(&last) = recent.last() else { return };
        let from = self.by_last.partition_point(|e| e.0 < last);
        for &(stem, g, m) in &self.by_last[from..] {
            if stem != last {
                break;
            }
            let group = &self.groups[g as usize];
            let member = &group[m as usize];
            let n = member.stems.len();
            if n > recent.len() || recent[recent.len() - n..] != member.stems[..] {
                continue;
            }
            if member.acronym && !upper {
                continue;
            }
            for (other_idx, other) in group.iter().enumerate() {
                if other_idx as u32 == m {
                    continue;
                }
                for (&s, &f) in other.stems.iter().zip(&other.surfaces) {
                    inject(s, f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(groups: &[&[&str]], text: &str) -> Vec<String> {
        let mut analyzer = Analyzer::new("en");
        let user: Vec<Vec<String>> = groups
            .iter()
            .map(|g| g.iter().map(|s| s.to_string()).collect())
            .collect();
        let synonyms = Synonyms::compile(&mut analyzer, &user, false);
        let mut tokens = Vec::new();
        analyzer.analyze(text, &mut |t| {
            if !t.joined {
                tokens.push(t)
            }
        });
        let stems: Vec<u32> = tokens.iter().map(|t| t.stem).collect();
        let mut out = Vec::new();
        for end in 1..=tokens.len() {
            if synonyms.ends_with(stems[end - 1]) {
                synonyms.expand(&stems[..end], tokens[end - 1].upper, &mut |_, surface| {
                    out.push(analyzer.surfaces[surface as usize].to_string())
                });
            }
        }
        out
    }

    #[test]
    fn acronym_expands_to_phrase_and_back() {
        assert_eq!(
            expanded(&[&["map", "mutual action plan"]], "agree the MAP"),
            ["mutual", "action", "plan"]
        );
        assert_eq!(
            expanded(&[&["map", "mutual action plan"]], "a mutual action plan"),
            ["map"]
        );
    }

    #[test]
    fn lowercase_word_does_not_trigger_acronym() {
        assert!(expanded(&[&["map", "mutual action plan"]], "map the stakeholders").is_empty());
    }

    #[test]
    fn single_word_groups_expand_in_any_case() {
        assert_eq!(
            expanded(&[&["meddicc", "meddpicc"]], "Meddicc"),
            ["meddpicc"]
        );
    }

    #[test]
    fn groups_sharing_a_member_merge() {
        let out = expanded(
            &[
                &["eb", "economic buyer"],
                &["economic buyer", "budget holder"],
            ],
            "EB",
        );
        assert_eq!(out, ["economic", "buyer", "budget", "holder"]);
    }

    #[test]
    fn stemmed_forms_match() {
        assert_eq!(
            expanded(&[&["poc", "proof of concept"]], "proofs of concepts"),
            ["poc"]
        );
    }

    #[test]
    fn hyphenated_member_matches_parts() {
        assert_eq!(
            expanded(&[&["ride-along", "joint call"]], "a ride-along"),
            ["joint", "call"]
        );
        assert_eq!(
            expanded(&[&["ride-along", "joint call"]], "joint calls"),
            ["ride", "along"]
        );
    }
}
