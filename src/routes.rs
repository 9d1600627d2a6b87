//! The top-level output paths the renderers produce, in one table.
//!
//! Free pages live at `/<slug>/`, beside these, so the names a page cannot
//! take (`load::resolve`) are derived from this table, and the sitemap lists
//! the section pages marked here. A renderer that writes a new top-level
//! folder or file adds it here, and pages can no longer collide with it.

use crate::render::urls;

/// One top-level output path.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// Site-relative path as the renderers write it: `thu-tuc/`, `404.html`.
    pub path: &'static str,
    /// Listed in `sitemap.xml` (an HTML page of both editions).
    pub in_sitemap: bool,
}

const fn page(path: &'static str) -> Route {
    Route { path, in_sitemap: true }
}
const fn other(path: &'static str) -> Route {
    Route { path, in_sitemap: false }
}

/// Every top-level path of a build, section pages first in sitemap order.
pub const ROUTES: &[Route] = &[
    page(""), // the home page
    page(urls::CATALOGUE),
    page(urls::JOURNEY),
    page(urls::FIELDS),
    page(urls::LEVELS),
    page(urls::SEARCH),
    page(urls::DATA),
    page(urls::STATISTICS),
    page(urls::CHANGES),
    page(urls::PRINT),
    other("diagrams/"),
    other("static/"),
    other("en/"),
    other("404.html"),
    other("sitemap.xml"),
    other("robots.txt"),
];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_cover_every_top_level_output() {
        let names = reserved_names();
        for n in ["thu-tuc", "thay-doi", "in-an", "diagrams", "data", "static", "en", "404", "sitemap", "robots"] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        assert!(!names.contains(&""));
    }
}
