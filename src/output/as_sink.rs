//! The build's writer behind the `Sink` renderers hand their files to.

use super::Output;
use crate::diag::Diagnostic;
use crate::sink::Sink;
use std::path::Path;

/// The build's writer as the renderers see it.
impl Sink for Output {
    fn put(&self, renderer: &'static str, path: &str, bytes: &[u8]) {
        Output::put(self, renderer, path, bytes)
    }

    fn put_html(&self, renderer: &'static str, path: &str, bytes: &[u8], source: Option<&Path>) {
        Output::put_html(self, renderer, path, bytes, source)
    }

    fn put_stream(
        &self,
        renderer: &'static str,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) {
        Output::put_stream(self, renderer, path, write)
    }

    fn error(&self, d: Diagnostic) {
        Output::error(self, d)
    }
}
