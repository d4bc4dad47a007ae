//! Template contexts: the JSON each template sees. These are view values built for the
//! templates only, so a field visible to templates is a deliberate choice (see README).

use serde_json::{json, Value};

use crate::model::freshness::{self, Freshness};
use crate::model::page::{Page, PageKind};
use crate::model::{Date, Site};

/// Values shared by every page of one build.
pub struct Shared {
    /// `site` in templates.
    pub site: Value,
    /// `build` in templates.
    pub build: Value,
    /// Top-level sections for the menu: (title, url).
    pub sections: Vec<(String, String)>,
}

/// Builds the shared values once.
pub fn shared(site: &Site, search_script: &str, assets: &Value) -> Shared {
    let config = &site.config;
    let routes = &config.routes;
    let stages: Vec<Value> = sorted_stages(site).iter().map(|s| json!({"id": s.id.get_ref(), "name": s.name, "url": format!("{}/{}/", routes.stages, s.id.get_ref())})).collect();
    let roles: Vec<Value> = config.roles.iter().map(|r| json!({"id": r.id.get_ref(), "name": r.name, "url": format!("{}/{}/", routes.roles, r.id.get_ref())})).collect();
    let personas: Vec<Value> = config.personas.iter().map(|r| json!({"id": r.id.get_ref(), "name": r.name, "url": format!("{}/{}/", routes.personas, r.id.get_ref())})).collect();
    let site_value = json!({
        "title": config.site.title,
        "description": config.site.description,
        "language": config.site.language,
        "base_url": config.site.base_url,
        "base_path": super::generated::base_path(&config.site.base_url),
        "has_edit_url": config.site.edit_url.is_some(),
        "stages": stages,
        "roles": roles,
        "personas": personas,
        "routes": {
            "stages": format!("{}/", routes.stages), "process": format!("{}/", routes.process),
            "health": format!("{}/", routes.health), "print": format!("{}/", routes.print),
            "owners": format!("{}/", routes.owners), "roles": format!("{}/", routes.roles),
            "personas": format!("{}/", routes.personas), "tags": format!("{}/", routes.tags),
            "search": format!("{}/", routes.search), "whats_new": format!("{}/", routes.whats_new),
        },
        "extra": toml_to_json(&config.extra),
    });
    let build = json!({
        "today": site.today.iso(),
        "version": env!("CARGO_PKG_VERSION"),
        "search_script": search_script,
        "asset": assets,
    });
    let sections = site
        .home()
        .children
        .iter()
        .map(|&i| &site.pages[i])
        .filter(|p| p.is_section)
        .map(|p| (p.title.clone(), p.url.clone()))
        .collect();
    Shared {
        site: site_value,
        build,
        sections,
    }
}

fn toml_to_json(table: &toml::Table) -> Value {
    serde_json::to_value(table).unwrap_or(Value::Null)
}

/// Stages sorted by `order`, then declaration order.
pub fn sorted_stages(site: &Site) -> Vec<&crate::config::Stage> {
    let mut stages: Vec<&crate::config::Stage> = site.config.stages.iter().collect();
    stages.sort_by_key(|s| s.order);
    stages
}

/// The base context of a page at `url`: root, current URL and the navigation with an empty
/// sibling list, which [`entries`] replaces (`site` and `build` are template globals).
pub fn base(
    shared: &Shared,
    url: &str,
    nav_parent: Option<&Page>,
    current_section: Option<&str>,
) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert(
        "root".into(),
        Value::String(crate::markdown::links::root_prefix(url)),
    );
    map.insert("current_url".into(), Value::String(url.to_string()));
    let sections: Vec<Value> = shared
        .sections
        .iter()
        .map(|(title, section_url)| {
            let active = current_section == Some(section_url.as_str())
                || (!section_url.is_empty() && url.starts_with(section_url.as_str()));
            json!({"title": title, "url": section_url, "active": active})
        })
        .collect();
    let mut nav = json!({
        "siblings": [],
        "items": "",
        "listed": false,
        "parent": nav_parent.map(|p| json!({"title": p.title, "url": p.url})),
    });
    nav["sections"] = Value::Array(sections);
    map.insert("nav".into(), nav);
    map
}

/// A JSON value as a Tera value, built directly: cheaper than serialising it through serde,
/// which was a large part of rendering.
pub fn to_tera(value: &Value) -> tera::Value {
    match value {
        Value::Null => tera::Value::from(()),
        Value::Bool(b) => tera::Value::from(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => tera::Value::from(u),
            (None, Some(i)) => tera::Value::from(i),
            _ => tera::Value::from(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => tera::Value::from(s.as_str()),
        Value::Array(items) => tera::Value::from(items.iter().map(to_tera).collect::<Vec<_>>()),
        Value::Object(map) => tera::Value::from(to_tera_map(map)),
    }
}

/// A JSON object as a Tera map, filled directly (no ordered map in between).
fn to_tera_map(map: &serde_json::Map<String, Value>) -> tera::Map {
    let mut out = tera::Map::default();
    out.reserve(map.len() + 1);
    for (k, v) in map {
        out.insert(key(k), to_tera(v));
    }
    out
}

/// A map key as Tera wants it. Contexts use a few dozen key names over and over; each thread
/// keeps one shared copy of each (up to 4,096, as `extra` data may bring any number)
/// instead of allocating it twice per use.
fn key(name: &str) -> tera::value::Key<'static> {
    const MAX_KEYS: usize = 4096;
    thread_local! {
        static KEYS: std::cell::RefCell<ahash::AHashMap<Box<str>, tera::value::Key<'static>>> =
            Default::default();
    }
    KEYS.with_borrow_mut(|keys| match keys.get(name) {
        Some(key) => key.clone(),
        None => {
            let key = tera::value::Key::from(name.to_string());
            if keys.len() < MAX_KEYS {
                keys.insert(name.into(), key.clone());
            }
            key
        }
    })
}

/// A page's context as Tera values: `map` (from [`base`] and the page's own keys) with
/// `siblings` added to its `nav`. Sibling lists are made once per section and shared.
pub fn entries(
    map: serde_json::Map<String, Value>,
    siblings: &tera::Value,
) -> Vec<(String, tera::Value)> {
    map.into_iter()
        .map(|(name, value)| {
            let value = match (name.as_str(), &value) {
                ("nav", Value::Object(nav)) => {
                    let mut fields = to_tera_map(nav);
                    fields.insert(key("siblings"), siblings.clone());
                    tera::Value::from(fields)
                }
                _ => to_tera(&value),
            };
            (name, value)
        })
        .collect()
}

/// A reference to a stage, role, persona, owner or tag.
pub fn reference(id: &str, name: &str, url: String) -> Value {
    json!({"id": id, "name": name, "url": url})
}

/// Freshness as templates see it.
pub fn freshness_value(f: &Freshness, page: &Page) -> Value {
    json!({
        "state": f.state.key(),
        "label": f.state.label(),
        "reviewed": page.reviewed.map(Date::iso),
        "due": f.due.map(Date::iso),
        "days": f.days_left,
        "expects_review": freshness::expects_review(page),
    })
}

/// The last change of a page's file from Git, `null` without history. Never the review date:
/// `reviewed` is what an owner confirmed, this is what Git saw.
pub fn git_value(commit: Option<&crate::model::history::Commit>) -> Value {
    match commit {
        Some(c) => json!({"date": c.date, "author": c.author, "commit": c.hash}),
        None => Value::Null,
    }
}

/// A page as a card in lists.
pub fn card(site: &Site, index: usize) -> Value {
    let page = &site.pages[index];
    let fresh = freshness::of(page, &site.config, site.today);
    let mut card = json!({
        "title": page.title,
        "url": page.url,
        "kind": if page.is_section { "section" } else { page.kind.name() },
        "summary": page.summary,
        "status": status_name(page),
        "order": page.order,
    });
    // Values made here are moved in: `json!` would copy them through serde.
    card["freshness"] = freshness_value(&fresh, page);
    card["stages"] = Value::Array(stage_refs(site, &page.stages));
    card["owner"] = page.owner.as_ref().map(|o| owner_ref(site, o)).into();
    card
}

/// `published`, `draft` or `deprecated`.
pub fn status_name(page: &Page) -> &'static str {
    match page.status {
        crate::model::page::Status::Draft => "draft",
        crate::model::page::Status::Published => "published",
        crate::model::page::Status::Deprecated => "deprecated",
    }
}

/// Stage ids → references.
pub fn stage_refs(site: &Site, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| site.config.stages.iter().find(|s| s.id.get_ref() == id))
        .map(|s| {
            reference(
                s.id.get_ref(),
                &s.name,
                format!("{}/{}/", site.config.routes.stages, s.id.get_ref()),
            )
        })
        .collect()
}

/// Role ids → references.
pub fn role_refs(site: &Site, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| site.config.roles.iter().find(|s| s.id.get_ref() == id))
        .map(|s| {
            reference(
                s.id.get_ref(),
                &s.name,
                format!("{}/{}/", site.config.routes.roles, s.id.get_ref()),
            )
        })
        .collect()
}

/// Persona ids → references.
pub fn persona_refs(site: &Site, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| site.config.personas.iter().find(|s| s.id.get_ref() == id))
        .map(|s| {
            reference(
                s.id.get_ref(),
                &s.name,
                format!("{}/{}/", site.config.routes.personas, s.id.get_ref()),
            )
        })
        .collect()
}

/// An owner id → reference.
pub fn owner_ref(site: &Site, id: &str) -> Value {
    reference(
        id,
        site.owner_name(id).unwrap_or(id),
        format!("{}/{}/", site.config.routes.owners, id),
    )
}

/// Tags → references.
pub fn tag_refs(site: &Site, tags: &[String]) -> Vec<Value> {
    tags.iter()
        .map(|t| {
            let slug = crate::model::slug::segment_slug(t);
            reference(&slug, t, format!("{}/{}/", site.config.routes.tags, slug))
        })
        .collect()
}

fn page_link(site: &Site, key: &str) -> Value {
    match site.by_path.get(key) {
        Some(&i) => json!({"title": site.pages[i].title, "url": site.pages[i].url}),
        None => Value::Null,
    }
}

fn framework_links(site: &Site, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| site.frameworks.get(id))
        .map(|&i| json!({"title": site.pages[i].title, "url": site.pages[i].url}))
        .collect()
}

fn criterion_links(site: &Site, refs: &[String]) -> Vec<Value> {
    refs.iter()
        .filter_map(|r| {
            crate::model::tree::resolve_criterion(site, r).ok().map(|(i, c)| {
                json!({"ref": r, "name": c.name, "letter": c.letter, "definition": c.definition, "url": format!("{}#{}", site.pages[i].url, c.id)})
            })
        })
        .collect()
}

/// The default scale when a framework defines none.
fn default_scale() -> Vec<Value> {
    vec![
        json!({"score": 0, "label": "Unknown", "meaning": "Not explored yet."}),
        json!({"score": 1, "label": "Believed", "meaning": "We think so; only our side supports it."}),
        json!({"score": 2, "label": "Confirmed", "meaning": "The buyer said so."}),
        json!({"score": 3, "label": "Proven", "meaning": "The buyer did something that shows it."}),
    ]
}

/// JSON safe to embed in a `<script type="application/json">` element.
pub fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The `page` value of a content page.
pub fn page_value(
    site: &Site,
    index: usize,
    html: String,
    prev: Option<usize>,
    next: Option<usize>,
) -> Value {
    let page = &site.pages[index];
    let fresh = freshness::of(page, &site.config, site.today);
    let mut breadcrumbs = Vec::new();
    let mut parent = page.parent;
    while let Some(p) = parent {
        breadcrumbs.push(json!({"title": site.pages[p].title, "url": site.pages[p].url}));
        parent = site.pages[p].parent;
    }
    breadcrumbs.reverse();
    let link = |i: Option<usize>| {
        i.map(|i| json!({"title": site.pages[i].title, "url": site.pages[i].url}))
    };
    let related: Vec<Value> = page
        .related
        .iter()
        .filter_map(|r| site.by_path.get(r))
        .map(|&i| card(site, i))
        .collect();
    let edit_url = match (&site.config.site.edit_url, &page.source) {
        (Some(template), Some(source)) => {
            Some(template.replace("{path}", &crate::diag::display_path(&source.path)))
        }
        _ => None,
    };
    let toc: Vec<Value> = page
        .headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .map(|h| json!({"level": h.level, "id": h.id, "title": h.title}))
        .collect();
    let mut value = json!({
        "url": page.url,
        "source_path": page.source.as_ref().map(|s| crate::diag::display_path(&s.path)),
        "title": page.title,
        "summary": page.summary,
        "kind": if page.is_section && matches!(page.kind, PageKind::Page) { "section" } else { page.kind.name() },
        "is_section": page.is_section,
        "status": status_name(page),
        "word_count": page.words,
        "reading_minutes": (page.words / 220).max(1),
        "reviewed": page.reviewed.map(Date::iso),
        "expires": page.expires.map(Date::iso),
        "keywords": page.keywords,
        "edit_url": edit_url,
        "extra": page.extra,
        "playbook": Value::Null,
        "framework": Value::Null,
        "coaching": Value::Null,
    });
    // Values made here are moved in: `json!` would copy them (the body too) through serde.
    let owner = page.owner.as_ref().map(|o| owner_ref(site, o));
    let replaced_by = page.replaced_by.as_deref().map(|r| page_link(site, r));
    let fields = [
        ("content", Value::String(html)),
        ("toc", Value::Array(toc)),
        ("owner", owner.unwrap_or(Value::Null)),
        ("freshness", freshness_value(&fresh, page)),
        ("stages", Value::Array(stage_refs(site, &page.stages))),
        ("roles", Value::Array(role_refs(site, &page.roles))),
        ("personas", Value::Array(persona_refs(site, &page.personas))),
        ("tags", Value::Array(tag_refs(site, &page.tags))),
        ("breadcrumbs", Value::Array(breadcrumbs)),
        ("prev", link(prev).unwrap_or(Value::Null)),
        ("next", link(next).unwrap_or(Value::Null)),
        ("related", Value::Array(related)),
        ("replaced_by", replaced_by.unwrap_or(Value::Null)),
        ("git", git_value(site.last_change(page))),
    ];
    for (key, field) in fields {
        value[key] = field;
    }
    match &page.kind {
        PageKind::Playbook(p) => {
            value["playbook"] = json!({
                "trigger": p.trigger, "goal": p.goal, "exit_signal": p.exit_signal, "play_type": p.play_type,
                "time_needed": p.time_needed,
                "frameworks": framework_links(site, &p.frameworks),
                "criteria": criterion_links(site, &p.criteria),
                "assets": p.assets.iter().map(|a| {
                    let is_page = !(a.url.contains("://") || a.url.starts_with("mailto:"));
                    let url = if is_page { site.by_path.get(a.url.trim_end_matches(".md").trim_matches('/')).map_or(a.url.clone(), |&i| site.pages[i].url.clone()) } else { a.url.clone() };
                    json!({"title": a.title, "url": url, "external": a.external, "internal_link": is_page})
                }).collect::<Vec<_>>(),
            });
        }
        PageKind::Framework(f) => {
            let id = page
                .url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let criteria: Vec<Value> = f
                .criteria
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id, "name": c.name, "letter": c.letter, "definition": c.definition,
                        "questions": c.questions, "evidence": c.evidence, "red_flags": c.red_flags,
                    })
                })
                .collect();
            let scale: Vec<Value> = if f.scale.is_empty() {
                default_scale()
            } else {
                f.scale
                    .iter()
                    .map(|s| json!({"score": s.score, "label": s.label, "meaning": s.meaning}))
                    .collect()
            };
            let scorecard = json!({"id": id, "title": page.title, "acronym": f.acronym, "criteria": criteria, "scale": scale});
            value["framework"] = json!({
                "id": id, "acronym": f.acronym, "use_when": f.use_when, "origin": f.origin,
                "criteria": criteria, "scale": scale, "scorecard_json": script_json(&scorecard),
            });
        }
        PageKind::Coaching(c) => {
            value["coaching"] = json!({
                "skill": c.skill, "behaviours": c.behaviours,
                "rubric": c.rubric.iter().map(|r| json!({"level": r.level, "label": r.label, "looks_like": r.looks_like})).collect::<Vec<_>>(),
                "coaching_questions": c.coaching_questions,
                "roles": role_refs(site, &page.roles), "coach_roles": role_refs(site, &c.coach_roles),
                "observe_in": c.observe_in, "practice": c.practice,
                "frameworks": framework_links(site, &c.frameworks), "criteria": criterion_links(site, &c.criteria),
            });
        }
        PageKind::Page => {}
    }
    value
}

/// The pages and subsections of a section, as cards.
pub fn section_value(site: &Site, index: usize) -> Value {
    let page = &site.pages[index];
    let pages: Vec<Value> = page
        .children
        .iter()
        .filter(|&&c| !site.pages[c].is_section)
        .map(|&c| card(site, c))
        .collect();
    let subsections: Vec<Value> = page
        .children
        .iter()
        .filter(|&&c| site.pages[c].is_section)
        .map(|&c| {
            let mut v = card(site, c);
            v["count"] = json!(site.pages[c].children.len());
            v
        })
        .collect();
    let mut value = serde_json::Map::new();
    value.insert("pages".into(), Value::Array(pages));
    value.insert("subsections".into(), Value::Array(subsections));
    Value::Object(value)
}

/// The section whose children the side navigation of page `index` lists: the section itself
/// for a section page, else the page's parent.
pub fn nav_container(site: &Site, index: usize) -> Option<usize> {
    let page = &site.pages[index];
    if page.is_section {
        Some(index)
    } else {
        page.parent
    }
}

/// The side navigation's list for section `container`: its children. The same for every
/// page of the section (templates mark the current one by comparing with `current_url`),
/// so it is made once per section.
pub fn siblings(site: &Site, container: usize) -> Value {
    site.pages[container]
        .children
        .iter()
        .map(|&c| {
            let p = &site.pages[c];
            json!({"title": p.title, "url": p.url, "kind": if p.is_section { "section" } else { p.kind.name() }})
        })
        .collect()
}
