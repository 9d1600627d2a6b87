//! onestop's PDF backend: typst for the print products (leaflets, catalogues,
//! annexes) and krilla for the diagram posters.
//!
//! It knows nothing of procedures or sites: the `onestop` crate gives it fonts,
//! templates and each product's data files, and gets back PDF bytes or a
//! [`Failure`] located in a template. The boundary keeps typst, typst-pdf and
//! krilla out of the main crate's compile: they are built once, not with
//! every edit of `src/`.

mod poster;
pub mod workers;
mod world;

pub use poster::svg_pdf;
pub use world::{Assets, PrintWorld};

use typst::WorldExt;
use typst::foundations::Smart;
use typst_layout::PagedDocument;

/// Why a product could not be typeset: typst's message, its hints, and where
/// in the templates it comes from when typst knows.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    pub hints: Vec<String>,
    pub at: Option<Place>,
}

/// A place in a template: its file name (`leaflet.typ`) and, when known, the
/// 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub template: String,
    pub line_col: Option<(usize, usize)>,
}

impl PrintWorld {
    /// Typesets the current product (`set_product`) into a PDF under
    /// `standard` (`"pdf-ua-1"` or `"pdf-a-2b"`), with `ident` as its
    /// document identifier. A warning is a failure: in a print template it
    /// is a bug (an unknown font, a misplaced element).
    pub fn typeset(&self, ident: &str, standard: &str) -> Result<Vec<u8>, Failure> {
        let warned = typst::compile::<PagedDocument>(self);
        if let Some(w) = warned.warnings.first() {
            return Err(self.failure(w));
        }
        let doc = warned.output.map_err(|errs| self.failure(&errs[0]))?;
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            timestamp: self.edition_date().map(typst_pdf::Timestamp::new_utc),
            standards: world::pdf_standards(standard),
            ..Default::default()
        };
        typst_pdf::pdf(&doc, &options).map_err(|errs| self.failure(&errs[0]))
    }

    fn failure(&self, e: &typst::diag::SourceDiagnostic) -> Failure {
        let id = match e.span.get() {
            typst::syntax::DiagSpanKind::Number { id, .. } | typst::syntax::DiagSpanKind::Range { id, .. } => Some(id),
            typst::syntax::DiagSpanKind::Detached => None,
        };
        let at = id.and_then(|id| {
            let (template, src) = self.assets().template_of(id)?;
            let line_col = self
                .range(e.span)
                .and_then(|range| src.lines().byte_to_line_column(range.start))
                .map(|(line, col)| (line + 1, col + 1));
            Some(Place { template: template.to_string(), line_col })
        });
        Failure { message: e.message.to_string(), hints: e.hints.iter().map(|h| h.v.to_string()).collect(), at }
    }
}

/// Empties typst's memo caches: nothing is typeset any more, and a long
/// `serve` session should not keep the last products' layouts.
pub fn forget_layouts() {
    typst::comemo::evict(0);
}
