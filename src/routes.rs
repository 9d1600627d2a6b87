//! The site's URL paths, in one table: every top-level output path the
//! renderers produce, the named files inside them, and the navigation.
//!
//! * Renderers link and write with the constants and functions here (`render`
//!   re-exports this module as `render::urls`).
//! * Templates get the same paths as `routes.<name>` (`{{ base }}{{ routes.catalogue }}`)
//!   and the header and footer menus as `navigation.header` / `navigation.footer`
//!   ([`template_routes`], [`navigation`]); docs/content-format.md lists the names.
//! * Free pages live at `/<slug>/`, beside these, so the names a page cannot
//!   take (`load::resolve`) are derived from this table ([`reserved_names`]).
//! * The sitemap lists the section pages marked here ([`sitemap_sections`]).
//!
//! A renderer that writes a new top-level folder or file adds it here, and
//! pages can no longer collide with it. This module is a leaf: it uses no
//! other module of the crate.

use serde::Serialize;

/// One top-level output path.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The name templates use: `routes.catalogue`.
    pub name: &'static str,
    /// Site-relative path as the renderers write it: `thu-tuc/`, `404.html`.
    pub path: &'static str,
    /// Listed in `sitemap.xml` (an HTML page of both editions).
    pub in_sitemap: bool,
    /// Whether (and where) the route is a navigation item.
    pub nav: Option<NavItem>,
}

/// A route's place in a menu.
#[derive(Debug, Clone, Copy)]
pub struct NavItem {
    pub menu: Menu,
    /// Position in its menu (the table is in sitemap order, the menus are not).
    pub order: u8,
    /// The UI string key of its label (`t.catalogue`).
    pub label: &'static str,
}

/// The theme's menus: the header's main navigation (each item marked as
/// current on its section), and the footer's list of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    Header,
    Footer,
}

pub const HOME: &str = "";
pub const CATALOGUE: &str = "thu-tuc/";
pub const JOURNEY: &str = "hanh-trinh/";
pub const FIELDS: &str = "linh-vuc/";
pub const LEVELS: &str = "muc-do/";
pub const SEARCH: &str = "tim-kiem/";
pub const DATA: &str = "data/";
pub const STATISTICS: &str = "thong-ke/";
pub const CHANGES: &str = "thay-doi/";
pub const PRINT: &str = "in-an/";
/// Questions from businesses and the Board's answers.
pub const FAQ: &str = "hoi-dap/";
pub const DIAGRAMS: &str = "diagrams/";
pub const STATIC: &str = "static/";
pub const ENGLISH: &str = "en/";
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
// Embeddable views (issue 17): not in the sitemap, `noindex`.
pub const EMBED: &str = "nhung/";
pub const EMBED_COLOURS: &str = "nhung/colours.css";

pub const PROCEDURES_JSON: &str = "data/procedures.json";
pub const PROCEDURES_CSV: &str = "data/procedures.csv";
pub const PROCEDURES_XLSX: &str = "data/procedures.xlsx";
pub const STATISTICS_JSON: &str = "data/statistics.json";
pub const SEARCH_INDEX: &str = "data/search-index.json";
pub const INTERNAL_PROCESSES_JSON: &str = "data/internal-processes.json";
pub const CHANGES_FEED: &str = "thay-doi/atom.xml";
pub const FAQ_JSON: &str = "data/faq.json";

const fn section(name: &'static str, path: &'static str) -> Route {
    Route { name, path, in_sitemap: true, nav: None }
}
const fn other(name: &'static str, path: &'static str) -> Route {
    Route { name, path, in_sitemap: false, nav: None }
}
const fn nav(mut r: Route, menu: Menu, order: u8, label: &'static str) -> Route {
    r.nav = Some(NavItem { menu, order, label });
    r
}

/// Every top-level path of a build, section pages first in sitemap order.
pub const ROUTES: &[Route] = &[
    nav(section("home", HOME), Menu::Header, 0, "home"),
    nav(section("catalogue", CATALOGUE), Menu::Header, 1, "catalogue"),
    nav(section("journey", JOURNEY), Menu::Header, 2, "journey"),
    nav(section("fields", FIELDS), Menu::Footer, 0, "fields"),
    nav(section("levels", LEVELS), Menu::Header, 3, "levels"),
    section("search", SEARCH),
    nav(section("data", DATA), Menu::Footer, 1, "open_data"),
    nav(section("statistics", STATISTICS), Menu::Footer, 3, "statistics"),
    nav(section("changes", CHANGES), Menu::Footer, 2, "recent_changes"),
    nav(section("print", PRINT), Menu::Footer, 4, "print_page"),
    nav(section("faq", FAQ), Menu::Header, 4, "faq"),
    other("diagrams", DIAGRAMS),
    other("static", STATIC),
    other("english", ENGLISH),
    other("not_found", NOT_FOUND),
    other("sitemap", SITEMAP),
    other("robots", ROBOTS),
    nav(other("embed", EMBED), Menu::Footer, 5, "embed_title"),
];

/// Named files inside the top-level routes, as templates see them (`routes.procedures_csv`).
pub const FILES: &[(&str, &str)] = &[
    ("procedures_json", PROCEDURES_JSON),
    ("procedures_csv", PROCEDURES_CSV),
    ("procedures_xlsx", PROCEDURES_XLSX),
    ("statistics_json", STATISTICS_JSON),
    ("search_index", SEARCH_INDEX),
    ("internal_processes_json", INTERNAL_PROCESSES_JSON),
    ("changes_feed", CHANGES_FEED),
    ("faq_json", FAQ_JSON),
    ("embed_colours", EMBED_COLOURS),
];

pub fn procedure(slug: &str) -> String {
    format!("{CATALOGUE}{slug}/")
}
pub fn stage(key: &str) -> String {
    format!("{JOURNEY}{key}/")
}
pub fn field(key: &str) -> String {
    format!("{FIELDS}{key}/")
}
pub fn level(key: &str) -> String {
    format!("{LEVELS}{key}/")
}
/// A question's place on the FAQ page.
pub fn question(slug: &str) -> String {
    format!("{FAQ}#q-{slug}")
}
/// A free page's path.
pub fn page(slug: &str) -> String {
    format!("{slug}/")
}

/// An embeddable view's path: `nhung/thu-tuc/` (`view` is its folder name).
pub fn embed_view(view: &str) -> String {
    format!("{EMBED}{view}/")
}
/// A procedure's embeddable card.
pub fn embed_card(slug: &str) -> String {
    format!("{EMBED}the/{slug}/")
}

/// The file a URL path is written to.
pub fn file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() }
}

/// The first segment of a route (`thu-tuc`, `404`, `sitemap`); empty for the home page.
pub fn segment(path: &str) -> &str {
    path.split(['/', '.']).next().unwrap_or("")
}

/// Names a free page cannot take: the first segment of every route, once each.
pub fn reserved_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for r in ROUTES {
        let s = segment(r.path);
        if !s.is_empty() && !names.contains(&s) {
            names.push(s);
        }
    }
    names
}

/// Section pages listed in the sitemap, home first.
pub fn sitemap_sections() -> impl Iterator<Item = &'static str> {
    ROUTES.iter().filter(|r| r.in_sitemap).map(|r| r.path)
}

/// The paths of one menu's routes, in menu order.
pub fn menu(menu: Menu) -> Vec<&'static Route> {
    let mut items: Vec<&Route> = ROUTES.iter().filter(|r| r.nav.is_some_and(|n| n.menu == menu)).collect();
    items.sort_by_key(|r| r.nav.map(|n| n.order));
    items
}

/// Every route and named file by name, for the templates' `routes` variable.
pub fn template_routes() -> std::collections::BTreeMap<&'static str, &'static str> {
    ROUTES.iter().map(|r| (r.name, r.path)).chain(FILES.iter().copied()).collect()
}

/// One menu entry as templates see it: `{{ base }}{{ item.path }}`, `t[item.label]`.
#[derive(Debug, Serialize)]
pub struct TemplateNavItem {
    pub name: &'static str,
    pub path: &'static str,
    pub label: &'static str,
}

/// The templates' `navigation` variable: `header` and `footer`, each a list of entries.
#[derive(Debug, Serialize)]
pub struct Navigation {
    pub header: Vec<TemplateNavItem>,
    pub footer: Vec<TemplateNavItem>,
}

pub fn navigation() -> Navigation {
    let items = |m| {
        menu(m)
            .into_iter()
            .map(|r| TemplateNavItem { name: r.name, path: r.path, label: r.nav.map_or("", |n| n.label) })
            .collect()
    };
    Navigation { header: items(Menu::Header), footer: items(Menu::Footer) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_cover_every_top_level_output() {
        let names = reserved_names();
        for n in
            ["thu-tuc", "thay-doi", "in-an", "diagrams", "data", "static", "en", "404", "sitemap", "robots", "nhung"]
        {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        assert!(!names.contains(&""));
    }

    #[test]
    fn names_are_unique_and_files_live_under_a_route() {
        let all = template_routes();
        assert_eq!(all.len(), ROUTES.len() + FILES.len(), "a name is used twice");
        for (name, path) in FILES {
            assert!(reserved_names().contains(&segment(path)), "{name} = {path} is under no route");
        }
    }

    #[test]
    fn menus_are_in_their_order() {
        let paths = |m| menu(m).iter().map(|r| r.path).collect::<Vec<_>>();
        assert_eq!(paths(Menu::Header), [HOME, CATALOGUE, JOURNEY, LEVELS, FAQ]);
        assert_eq!(paths(Menu::Footer), [FIELDS, DATA, CHANGES, STATISTICS, PRINT, EMBED]);
    }
}
