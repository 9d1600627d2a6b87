//! Stage 3 of the pipeline: independent renderers.
//!
//! Each renderer reads the `Site`, the `Theme` and what the earlier phases
//! made (`Produced`), and hands files to a `Sink` (the build's writer, or
//! memory); none reads the file system, the environment or the clock, so the
//! same input always gives the same bytes. New products (diagrams, print)
//! plug in by implementing `Renderer` and being listed in `phases()`.

pub mod chart;
pub mod data;
pub mod diagrams;
pub mod embed;
pub mod faq_view;
pub mod feed;
pub mod heavy;
pub mod html;
pub mod print;
pub mod process_view;
pub mod satisfaction_view;
pub mod site_files;
pub mod stats_view;
pub mod view;

use crate::cache::Cache;
use crate::model::Site;
use crate::sink::{Produced, Sink};
use crate::theme::Theme;

/// Read-only context shared by all renderers of one build.
pub struct RenderCtx<'a> {
    pub theme: &'a Theme,
    /// Where expensive products (posters, leaflets) are reused across builds.
    pub cache: &'a Cache,
    /// Pages remembered from earlier builds of this process (`onestop serve`);
    /// `None` renders every page.
    pub memo: Option<&'a crate::memo::Memo>,
    /// False for `onestop check`, whose files nobody keeps: renderers skip
    /// work whose only result is bytes (rasterising, typesetting).
    pub writes: bool,
}

pub trait Renderer: Sync {
    /// Short name for progress, errors and timings.
    fn name(&self) -> &'static str;
    /// Number of files it will produce, for the progress bar.
    fn estimate(&self, site: &Site) -> usize;
    /// Hands its files to `out`; problems go to `out.error`, and rendering
    /// goes on. `earlier`: the files of the phases before this one.
    fn render(&self, site: &Site, ctx: &RenderCtx, earlier: &Produced, out: &dyn Sink, progress: &(dyn Fn(u64) + Sync));
}

/// Every renderer of a build, in phases: the renderers of one phase run in
/// parallel; a phase starts when the one before has finished, so pages (phase
/// 2) can link the print products of phase 1 and show their sizes
/// (`Produced::size_of`).
pub fn phases() -> Vec<Vec<Box<dyn Renderer>>> {
    vec![
        // Phase 1: products that pages link to.
        vec![Box::new(diagrams::DiagramRenderer), Box::new(print::PrintRenderer)],
        // Phase 2: pages, open data, static files.
        vec![
            Box::new(html::HtmlRenderer),
            Box::new(data::DataRenderer),
            Box::new(site_files::SiteFilesRenderer),
            Box::new(feed::FeedRenderer),
            Box::new(embed::EmbedRenderer),
        ],
    ]
}

/// Site-relative URL paths, shared so every renderer links the same way: the
/// route table (`crate::routes`), under the name the renderers have always used.
pub use crate::routes as urls;

/// The languages (`crate::lang`), re-exported for the renderers.
pub use crate::lang;
