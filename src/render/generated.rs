//! Pages made from the model rather than from a file: stages, the process map, roles,
//! personas, tags, owners, health, print, search, "What's new", 404, alias redirects, sitemap
//! and feed.

use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{json, Map, Value};

use super::context::{self, card, Shared};
use super::svg;
use super::{output_path, Memo, OutputFile};
use crate::diag::Diagnostic;
use crate::markdown::{escape_attr, escape_text};
use crate::model::freshness::{self, State};
use crate::model::page::PageKind;
use crate::model::Site;
use crate::templates::Templates;

mod print;
mod xml;

struct Out<'a> {
    site: &'a Site,
    templates: &'a Templates,
    shared: &'a Shared,
    sink: &'a dyn super::Sink,
    memo: Option<&'a Memo>,
    diagnostics: Vec<Diagnostic>,
    /// Pages to render: (template, url, context, card lists), rendered in parallel at the end.
    jobs: Vec<Job>,
    /// Each page's card as a Tera value (cheap to share) with a hash of its JSON, made once
    /// for the listings: a stage, tag or persona page lists hundreds of them.
    tera_cards: Vec<(tera::Value, u64)>,
}

/// A page to render: template, url, context, card lists and expected size (0: unknown).
type Job = (
    &'static str,
    String,
    Map<String, Value>,
    Vec<(&'static str, tera::Value, u64)>,
    usize,
);

/// A list of cards as a Tera value, with a hash of the cards it holds.
fn card_list(cards: &[(tera::Value, u64)], pages: &[usize]) -> (tera::Value, u64) {
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    let list: Vec<tera::Value> = pages
        .iter()
        .map(|&i| {
            hash.write_u64(cards[i].1);
            cards[i].0.clone()
        })
        .collect();
    (tera::Value::from(list), hash.finish())
}

impl Out<'_> {
    /// Queues `template` at `url` with `extra` keys, if the theme has the template.
    fn page(&mut self, template: &'static str, url: &str, extra: Map<String, Value>) {
        self.page_with_lists(template, url, extra, Vec::new());
    }

    /// Like [`Out::page`], with lists of cards made by [`card_list`] or [`groups`].
    fn page_with_lists(
        &mut self,
        template: &'static str,
        url: &str,
        extra: Map<String, Value>,
        lists: Vec<(&'static str, tera::Value, u64)>,
    ) {
        self.sized_page(template, url, extra, lists, 0);
    }

    /// Like [`Out::page_with_lists`], for a page of about `size` bytes.
    fn sized_page(
        &mut self,
        template: &'static str,
        url: &str,
        extra: Map<String, Value>,
        lists: Vec<(&'static str, tera::Value, u64)>,
        size: usize,
    ) {
        if !self.templates.has(template) {
            return;
        }
        let mut ctx = context::base(self.shared, url, None, None);
        ctx.extend(extra);
        self.jobs
            .push((template, url.to_string(), ctx, lists, size));
        // Contexts of big listings are large; render in batches to bound memory.
        if self.jobs.len() >= 8 {
            self.render_all();
        }
    }

    fn card(&self, index: usize) -> Value {
        card(self.site, index)
    }

    fn render_all(&mut self) {
        let jobs = std::mem::take(&mut self.jobs);
        let (templates, sink, memo) = (self.templates, self.sink, self.memo);
        let no_siblings = (tera::Value::from(Vec::<tera::Value>::new()), 0);
        let failures: Vec<Diagnostic> = jobs
            .into_par_iter()
            .filter_map(|(template, url, map, lists, size)| {
                let path = output_path(&url);
                let ctx = super::Context {
                    map,
                    siblings: &no_siblings,
                    lists,
                    size,
                };
                match super::render_file(templates, memo, template, path, ctx, &format!("/{url}")) {
                    Ok(file) => {
                        sink.put(file);
                        None
                    }
                    Err(d) => Some(d),
                }
            })
            .collect();
        self.diagnostics.extend(failures);
    }
}

fn map(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Every generated page and file.
pub fn all(
    site: &Site,
    templates: &Templates,
    shared: &Shared,
    sink: &dyn super::Sink,
    memo: Option<&Memo>,
) -> Vec<Diagnostic> {
    let tera_cards = listing_cards(site, templates, memo.is_some());
    let mut out = Out {
        site,
        templates,
        shared,
        sink,
        memo,
        diagnostics: Vec::new(),
        jobs: Vec::new(),
        tera_cards,
    };
    // Render after each group, so the contexts of only one group are held at a time.
    stages(&mut out);
    out.render_all();
    taxonomies(&mut out);
    out.render_all();
    owners(&mut out);
    health(&mut out);
    out.render_all();
    print::print(&mut out, None);
    let routes = &site.config.routes;
    out.page("search.html", &format!("{}/", routes.search), Map::new());
    whats_new(&mut out);
    not_found(&mut out);
    aliases(&mut out);
    out.render_all();
    sink.put(OutputFile::bytes("sitemap.xml", xml::sitemap(site)));
    sink.put(OutputFile::bytes("feed.xml", xml::feed(site)));
    out.diagnostics
}

/// The template that renders one card for [`listing_cards`].
const CARD: &str = "partials/card.html";

/// Every page's card as a Tera value with a hash of its JSON (0 without `hashes`, when there
/// is no memo), for the listings. With the theme's `partials/card.html`, each also carries its
/// HTML (`html`) for the root of the listing pages (`html_root`): rendered once here instead of
/// once per listing that shows it. A card that fails to render goes without; the listing then
/// renders it and reports why.
fn listing_cards(site: &Site, templates: &Templates, hashes: bool) -> Vec<(tera::Value, u64)> {
    let root = crate::markdown::links::root_prefix(&format!("{}/x/", site.config.routes.tags));
    let with_html = templates.has(CARD);
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let json = card(site, i);
            let (value, hash) = super::hashed_tera(&json, hashes);
            if !with_html {
                return (value, hash);
            }
            let mut context = tera::Context::new();
            context.insert_value("p", value.clone());
            context.insert_value("root", tera::Value::from(root.as_str()));
            match templates.render_context(CARD, &context, &site.pages[i].display_path()) {
                Ok(html) => {
                    let mut json = json;
                    json["html_root"] = Value::String(root.clone());
                    (
                        with_key(&json, "html", tera::Value::from(html.trim())),
                        hash,
                    )
                }
                Err(_) => (value, hash),
            }
        })
        .collect()
}

/// Only the generated pages that show page bodies or links between pages: the print views
/// that hold any of `pages`, and the health page when `health_too`. For `serve`, after an
/// edit of bodies only.
pub fn body_views(
    site: &Site,
    templates: &Templates,
    shared: &Shared,
    pages: &std::collections::HashSet<usize>,
    health_too: bool,
    sink: &dyn super::Sink,
) -> Vec<Diagnostic> {
    let mut out = Out {
        site,
        templates,
        shared,
        sink,
        memo: None,
        diagnostics: Vec::new(),
        jobs: Vec::new(),
        // Health and print views list no cards as Tera values.
        tera_cards: Vec::new(),
    };
    if health_too {
        health(&mut out);
    }
    print::print(&mut out, Some(pages));
    out.render_all();
    out.diagnostics
}

/// The output paths [`body_views`] can produce.
pub fn body_view_paths(site: &Site) -> Vec<String> {
    let routes = &site.config.routes;
    let mut paths = vec![
        output_path(&format!("{}/", routes.health)),
        output_path(&format!("{}/", routes.print)),
    ];
    for &section in &site.home().children {
        if site.pages[section].is_section {
            paths.push(output_path(&format!(
                "{}/{}",
                routes.print, site.pages[section].url
            )));
        }
    }
    paths
}

/// Stage cards for the home page and the stage index.
pub fn stage_cards(site: &Site) -> Value {
    let routes = &site.config.routes;
    Value::Array(
        context::sorted_stages(site)
            .iter()
            .map(|s| {
                let id = s.id.get_ref();
                json!({
                    "id": id, "name": s.name, "url": format!("{}/{id}/", routes.stages), "order": s.order,
                    "buyer_phase": s.buyer_phase, "goal": s.goal, "exit": s.exit, "terminal": s.terminal,
                    "count": site.pages_with(|p| &p.stages, id).count(),
                })
            })
            .collect(),
    )
}

/// The most recently reviewed pages.
pub fn recent(site: &Site, limit: usize) -> Value {
    let mut reviewed: Vec<usize> = site
        .reading_order
        .iter()
        .copied()
        .filter(|&i| site.pages[i].reviewed.is_some())
        .collect();
    reviewed.sort_by(|&a, &b| {
        site.pages[b]
            .reviewed
            .cmp(&site.pages[a].reviewed)
            .then(site.pages[a].url.cmp(&site.pages[b].url))
    });
    Value::Array(
        reviewed
            .into_iter()
            .take(limit)
            .map(|i| card(site, i))
            .collect(),
    )
}

/// Pages grouped by kind, in a fixed kind order, as `[{kind, label, pages}]` (Tera), with a
/// hash of the groups for the memo.
fn groups(
    site: &Site,
    cards: &[(tera::Value, u64)],
    pages: impl Iterator<Item = usize>,
) -> (tera::Value, u64) {
    let pages: Vec<usize> = pages.collect();
    let kinds = [
        ("playbook", "Playbooks"),
        ("framework", "Frameworks"),
        ("coaching", "Coaching guides"),
        ("page", "Pages"),
    ];
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    let groups: Vec<tera::Value> = kinds
        .iter()
        .filter_map(|&(kind, label)| {
            let members: Vec<usize> = pages
                .iter()
                .copied()
                .filter(|&i| site.pages[i].kind.name() == kind && !site.pages[i].is_section)
                .collect();
            if members.is_empty() {
                return None;
            }
            let (list, list_hash) = card_list(cards, &members);
            hash.write(kind.as_bytes());
            hash.write_u64(list_hash);
            let mut group = tera::Map::with_capacity(3);
            group.insert("kind".into(), tera::Value::from(kind));
            group.insert("label".into(), tera::Value::from(label));
            group.insert("pages".into(), list);
            Some(tera::Value::from(group))
        })
        .collect();
    (tera::Value::from(groups), hash.finish())
}

fn stages(out: &mut Out<'_>) {
    let site = out.site;
    let routes = &site.config.routes;
    let sorted = context::sorted_stages(site);
    let framework = site
        .config
        .site
        .default_framework
        .as_ref()
        .and_then(|f| site.frameworks.get(f.get_ref()))
        .copied();
    for (n, stage) in sorted.iter().enumerate() {
        let id = stage.id.get_ref();
        let url = format!("{}/{id}/", routes.stages);
        let checks: Vec<Value> = stage
            .checks
            .iter()
            .filter_map(|c| {
                let fw = framework?;
                let PageKind::Framework(f) = &site.pages[fw].kind else { return None };
                let criterion = f.criteria.iter().find(|x| &x.id == c.get_ref())?;
                Some(json!({"ref": c.get_ref(), "name": criterion.name, "letter": criterion.letter, "definition": criterion.definition, "url": format!("{}#{}", site.pages[fw].url, criterion.id)}))
            })
            .collect();
        let link = |s: Option<&&crate::config::Stage>| {
            s.map(|s| {
                context::reference(
                    s.id.get_ref(),
                    &s.name,
                    format!("{}/{}/", routes.stages, s.id.get_ref()),
                )
            })
        };
        let value = json!({
            "id": id, "name": stage.name, "url": url, "order": stage.order, "buyer_phase": stage.buyer_phase, "goal": stage.goal,
            "entry": stage.entry, "exit": stage.exit, "buyer_actions": stage.buyer_actions, "forecast": stage.forecast,
            "terminal": stage.terminal, "checks": checks,
            "framework": framework.map(|f| json!({"title": site.pages[f].title, "url": site.pages[f].url})),
            "prev": link(n.checked_sub(1).and_then(|p| sorted.get(p))), "next": link(sorted.get(n + 1)),
        });
        // `stage.groups` lists every page of the stage: added as Tera values (see `groups`).
        let (groups, groups_hash) =
            groups(site, &out.tera_cards, site.pages_with(|p| &p.stages, id));
        let (stage, value_hash) = super::hashed_tera(&value, out.memo.is_some());
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        hash.write_u64(value_hash);
        hash.write_u64(groups_hash);
        let mut stage = stage.into_map().unwrap_or_default();
        stage.insert("groups".into(), groups);
        out.page_with_lists(
            "stage.html",
            &url,
            Map::new(),
            vec![("stage", tera::Value::from(stage), hash.finish())],
        );
    }
    out.page(
        "stages.html",
        &format!("{}/", routes.stages),
        map(vec![("stages", stage_cards(site))]),
    );
    let process_url = format!("{}/", routes.process);
    let root = crate::markdown::links::root_prefix(&process_url);
    let boxes: Vec<svg::StageBox> = sorted
        .iter()
        .map(|s| svg::StageBox {
            name: &s.name,
            phase: &s.buyer_phase,
            href: format!("{root}{}/{}/", routes.stages, s.id.get_ref()),
            terminal: s.terminal,
        })
        .collect();
    let diagram = svg::process_map(&boxes);
    out.page(
        "process.html",
        &process_url,
        map(vec![
            ("stages", stage_cards(site)),
            ("diagram_svg", json!(diagram)),
        ]),
    );
}

fn taxonomies(out: &mut Out<'_>) {
    let site = out.site;
    let routes = &site.config.routes;
    let mut role_items = Vec::new();
    for role in &site.config.roles {
        let id = role.id.get_ref();
        let url = format!("{}/{id}/", routes.roles);
        let count = site.pages_with(|p| &p.roles, id).count();
        role_items.push(
            json!({"id": id, "name": role.name, "url": url, "count": count, "description": ""}),
        );
        let value = json!({"id": id, "name": role.name, "url": url});
        let (groups, hash) = groups(site, &out.tera_cards, site.pages_with(|p| &p.roles, id));
        out.page_with_lists(
            "role.html",
            &url,
            map(vec![("role", value)]),
            vec![("groups", groups, hash)],
        );
    }
    out.page(
        "taxonomy_list.html",
        &format!("{}/", routes.roles),
        map(vec![(
            "taxonomy",
            json!({"kind": "roles", "title": "Roles", "items": role_items}),
        )]),
    );
    let mut persona_items = Vec::new();
    for persona in &site.config.personas {
        let id = persona.id.get_ref();
        let url = format!("{}/{id}/", routes.personas);
        let count = site.pages_with(|p| &p.personas, id).count();
        persona_items.push(json!({"id": id, "name": persona.name, "url": url, "count": count, "description": persona.deal_role}));
        let value = json!({"id": id, "name": persona.name, "url": url, "deal_role": persona.deal_role, "cares_about": persona.cares_about, "typical_objections": persona.typical_objections});
        let (groups, hash) = groups(site, &out.tera_cards, site.pages_with(|p| &p.personas, id));
        out.page_with_lists(
            "persona.html",
            &url,
            map(vec![("persona", value)]),
            vec![("groups", groups, hash)],
        );
    }
    out.page(
        "taxonomy_list.html",
        &format!("{}/", routes.personas),
        map(vec![(
            "taxonomy",
            json!({"kind": "personas", "title": "Buyer personas", "items": persona_items}),
        )]),
    );
    let mut tag_items = Vec::new();
    for (slug, (name, pages)) in &site.tags {
        let url = format!("{}/{slug}/", routes.tags);
        tag_items.push(
            json!({"id": slug, "name": name, "url": url, "count": pages.len(), "description": ""}),
        );
        let (cards, hash) = card_list(&out.tera_cards, pages);
        out.page_with_lists(
            "tag.html",
            &url,
            map(vec![("tag", json!({"id": slug, "name": name, "url": url}))]),
            vec![("pages", cards, hash)],
        );
    }
    out.page(
        "taxonomy_list.html",
        &format!("{}/", routes.tags),
        map(vec![(
            "taxonomy",
            json!({"kind": "tags", "title": "Tags", "items": tag_items}),
        )]),
    );
}

fn owners(out: &mut Out<'_>) {
    let site = out.site;
    let routes = &site.config.routes;
    let mut items = Vec::new();
    let teams = site.config.teams.iter().map(|t| {
        (
            t.id.get_ref(),
            t.name.as_str(),
            "team",
            t.contact.as_str(),
            None,
        )
    });
    let people = site.config.people.iter().map(|p| {
        (
            p.id.get_ref(),
            p.name.as_str(),
            "person",
            "",
            p.team.as_ref().map(|t| t.get_ref().as_str()),
        )
    });
    for (id, name, kind, contact, team) in teams.chain(people) {
        let url = format!("{}/{id}/", routes.owners);
        let mut owned: Vec<usize> = site
            .reading_order
            .iter()
            .copied()
            .filter(|&i| site.pages[i].owner.as_deref() == Some(id.as_str()))
            .collect();
        owned.sort_by_key(|&i| {
            let f = freshness::of(&site.pages[i], &site.config, site.today);
            (f.due.map_or(i64::MAX, |d| d.0), site.pages[i].url.clone())
        });
        items.push(json!({"id": id, "name": name, "url": url, "count": owned.len(), "description": if kind == "team" { "Team" } else { "Person" }}));
        let value = json!({"id": id, "name": name, "url": url, "kind": kind, "contact": contact, "team": team.map(|t| context::owner_ref(site, t))});
        let (cards, hash) = card_list(&out.tera_cards, &owned);
        out.page_with_lists(
            "owner.html",
            &url,
            map(vec![("owner", value)]),
            vec![("pages", cards, hash)],
        );
    }
    out.page(
        "taxonomy_list.html",
        &format!("{}/", routes.owners),
        map(vec![(
            "taxonomy",
            json!({"kind": "owners", "title": "Owners", "items": items}),
        )]),
    );
}

fn health(out: &mut Out<'_>) {
    let site = out.site;
    let mut lists: [Vec<usize>; 8] = Default::default();
    let [fresh, due_soon, overdue, expired, unreviewed, ownerless, orphaned, deprecated] =
        &mut lists;
    for &i in &site.reading_order {
        let page = &site.pages[i];
        if page.source.is_none() {
            continue;
        }
        match freshness::of(page, &site.config, site.today).state {
            State::Fresh => fresh.push(i),
            State::DueSoon => due_soon.push(i),
            State::Overdue => overdue.push(i),
            State::Expired => expired.push(i),
            State::Unreviewed => unreviewed.push(i),
            State::Deprecated => deprecated.push(i),
        }
        if page.owner.is_none() && !page.is_section {
            ownerless.push(i);
        }
        if site.inbound[i] == 0 && !page.is_section {
            orphaned.push(i);
        }
    }
    let cards = |list: &Vec<usize>| Value::Array(list.iter().map(|&i| out.card(i)).collect());
    let bars = [
        ("Fresh", fresh.len(), "bar-fresh"),
        ("Due soon", due_soon.len(), "bar-due-soon"),
        ("Overdue", overdue.len(), "bar-overdue"),
        ("Expired", expired.len(), "bar-expired"),
        ("Not reviewed", unreviewed.len(), "bar-unreviewed"),
        ("Deprecated", deprecated.len(), "bar-deprecated"),
    ];
    let chart = svg::bar_chart("Pages by review state", &bars);
    let value = json!({
        "counts": {"fresh": fresh.len(), "due_soon": due_soon.len(), "overdue": overdue.len(), "expired": expired.len(),
                   "unreviewed": unreviewed.len(), "ownerless": ownerless.len(), "orphaned": orphaned.len(), "deprecated": deprecated.len()},
        "chart_svg": chart,
        "overdue": cards(overdue), "due_soon": cards(due_soon), "expired": cards(expired), "unreviewed": cards(unreviewed),
        "ownerless": cards(ownerless), "orphaned": cards(orphaned), "deprecated": cards(deprecated),
        "broken_refs": [],
    });
    out.page(
        "health.html",
        &format!("{}/", site.config.routes.health),
        map(vec![("health", value)]),
    );
}

/// `object`, a JSON object, as a Tera map with `key` set to `item`.
fn with_key(object: &Value, key: &str, item: tera::Value) -> tera::Value {
    let mut map: std::collections::BTreeMap<String, tera::Value> = object
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), context::to_tera(v)))
        .collect();
    map.insert(key.to_string(), item);
    tera::Value::from(map)
}

/// Commits listed on the "What's new" page.
const WHATS_NEW_COMMITS: usize = 50;

/// Recent changes from Git, commit by commit with the pages each touched, and the pages
/// reviewed most recently (which is all the page shows without Git).
fn whats_new(out: &mut Out<'_>) {
    let site = out.site;
    let history = &site.history;
    let by_path: std::collections::HashMap<String, usize> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.source
                .as_ref()
                .map(|s| (crate::diag::display_path(&s.path), i))
        })
        .collect();
    let mut changes = Vec::new();
    for recent in &history.recent {
        let pages: Vec<Value> = recent
            .files
            .iter()
            .filter_map(|(path, kind)| {
                let mut card = out.card(*by_path.get(path)?);
                card["change"] = json!(kind.key());
                Some(card)
            })
            .collect();
        if pages.is_empty() {
            continue;
        }
        let commit = &history.commits[recent.commit];
        changes.push(json!({"commit": commit.hash, "date": commit.date, "author": commit.author, "subject": commit.subject, "pages": pages}));
        if changes.len() == WHATS_NEW_COMMITS {
            break;
        }
    }
    let status = match history.status {
        crate::model::history::Status::Complete => "complete",
        crate::model::history::Status::Shallow => "shallow",
        _ => "none",
    };
    let value = json!({"changes": changes, "reviewed": recent(site, 20), "history": status});
    out.page(
        "whats_new.html",
        &format!("{}/", site.config.routes.whats_new),
        map(vec![("whats_new", value)]),
    );
}

fn not_found(out: &mut Out<'_>) {
    if !out.templates.has("404.html") {
        return;
    }
    let mut ctx = context::base(out.shared, "", None, None);
    // The 404 page can be served at any depth, so links go from the site's base path when known.
    let base_path = base_path(&out.site.config.site.base_url);
    ctx.insert("root".into(), json!(base_path));
    match out
        .templates
        .render("404.html", &Value::Object(ctx), "404.html")
    {
        Ok(html) => out.sink.put(OutputFile::bytes("404.html", html)),
        Err(d) => out.diagnostics.push(d),
    }
}

/// The path part of `base_url` (`https://x/sales/` → `/sales/`), or empty.
pub fn base_path(base_url: &str) -> String {
    let Some(rest) = base_url.split_once("://").map(|(_, r)| r) else {
        return String::new();
    };
    match rest.find('/') {
        Some(i) => {
            let path = &rest[i..];
            if path.ends_with('/') {
                path.to_string()
            } else {
                format!("{path}/")
            }
        }
        None => "/".into(),
    }
}

fn aliases(out: &mut Out<'_>) {
    let site = out.site;
    let taken: std::collections::HashSet<&str> =
        site.pages.iter().map(|p| p.url.as_str()).collect();
    for page in &site.pages {
        for alias in &page.aliases {
            let Some(normal) = crate::markdown::links::normalize(alias.trim_start_matches('/'))
            else {
                out.diagnostics.push(page.at_key(
                    Diagnostic::error(
                        "invalid-alias",
                        format!("alias `{alias}` points outside the site"),
                    ),
                    "aliases",
                    Some(alias),
                ));
                continue;
            };
            let normal = normal
                .trim_end_matches("index.html")
                .trim_end_matches('/')
                .to_string();
            let safe = !normal.is_empty()
                && normal
                    .split('/')
                    .all(|s| !s.is_empty() && !s.contains(':') && s != "." && s != "..");
            if !safe {
                out.diagnostics.push(
                    page.at_key(
                        Diagnostic::error(
                            "invalid-alias",
                            format!("alias `{alias}` is not a usable path"),
                        ),
                        "aliases",
                        Some(alias),
                    )
                    .with_help("write the old URL's path, e.g. `/sales/old-page/`"),
                );
                continue;
            }
            let url = format!("{normal}/");
            if taken.contains(url.as_str()) {
                out.diagnostics.push(page.at_key(
                    Diagnostic::error(
                        "duplicate-url",
                        format!("alias `{alias}` is the URL of an existing page"),
                    ),
                    "aliases",
                    Some(alias),
                ));
                continue;
            }
            let target = format!(
                "{}{}",
                crate::markdown::links::root_prefix(&url),
                crate::markdown::links::percent_encode_path(&page.url)
            );
            let mut ctx = context::base(out.shared, &url, None, None);
            ctx.insert("target_url".into(), json!(target));
            ctx.insert("page".into(), json!({"title": page.title, "url": page.url}));
            let html = if out.templates.has("alias.html") {
                match out
                    .templates
                    .render("alias.html", &Value::Object(ctx), &page.display_path())
                {
                    Ok(html) => html,
                    Err(d) => {
                        out.diagnostics.push(d);
                        continue;
                    }
                }
            } else {
                format!("<!doctype html><meta charset=\"utf-8\"><title>{}</title><meta http-equiv=\"refresh\" content=\"0; url={}\"><link rel=\"canonical\" href=\"{}\"><a href=\"{}\">{}</a>\n", escape_text(&page.title), escape_attr(&target), escape_attr(&target), escape_attr(&target), escape_text(&page.title))
            };
            out.sink.put(OutputFile::bytes(output_path(&url), html));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn base_paths() {
        assert_eq!(base_path(""), "");
        assert_eq!(base_path("https://x.example"), "/");
        assert_eq!(base_path("https://x.example/sales"), "/sales/");
    }
}
