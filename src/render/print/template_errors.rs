//! Errors of the print templates themselves, reported once each: a broken
//! `leaflet.typ` fails every leaflet in the same way (118 times on the
//! example), which would bury the one thing to fix.

use crate::diag::Diagnostic;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

/// Errors of the templates themselves, reported once each: a broken
/// `leaflet.typ` fails every leaflet in the same way (118 times on the
/// example), which would bury the one thing to fix.
#[derive(Default)]
pub(super) struct TemplateErrors {
    /// Key → the error of the first product (in job order, so the report
    /// does not depend on thread timing), its job and how many products had it.
    seen: Mutex<BTreeMap<String, (usize, Diagnostic, usize)>>,
}

impl TemplateErrors {
    /// What makes two products' errors the same template error: the place in
    /// the template and the message without the product's path. `None` for an
    /// error that is not the template's (its data could not be serialised).
    pub(super) fn key(
        &self,
        d: &Diagnostic,
        template: &str,
        path: &str,
        origins: &HashMap<String, PathBuf>,
    ) -> Option<String> {
        if d.code != "print-template" {
            return None;
        }
        let prefix = format!("typesetting {path}: ");
        let message = d.message.strip_prefix(&prefix).unwrap_or(&d.message);
        match &d.file {
            Some(file) if origins.values().any(|o| o == file) => {
                Some(format!("{}:{}:{}: {message}", file.display(), d.line, d.col))
            }
            _ => Some(format!("print/{template}: {message}")),
        }
    }

    pub(super) fn add(&self, key: String, index: usize, mut d: Diagnostic, source: Option<PathBuf>) {
        if d.file.is_none() {
            d.file = source;
        }
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = seen.entry(key).or_insert_with(|| (index, d.clone(), 0));
        entry.2 += 1;
        if index < entry.0 {
            (entry.0, entry.1) = (index, d);
        }
    }

    pub(super) fn into_diagnostics(self) -> Vec<Diagnostic> {
        let seen = self.seen.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.into_values()
            .map(|(_, mut d, n)| {
                if n > 1 {
                    d.message.push_str(&format!(
                        " (and {} other product{} with the same error)",
                        n - 1,
                        if n == 2 { "" } else { "s" }
                    ));
                }
                d
            })
            .collect()
    }
}
