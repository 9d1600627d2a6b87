//! onestop: a static site generator for public procedure guidance.
//!
//! The pipeline, one module per stage (see docs/design.md):
//! files → [`load`] (validated [`model::Site`], all errors at once via [`diag`])
//! → [`render`] (independent renderers, files handed to a [`sink::Sink`])
//! → [`output`] (staging folder, link check, atomic swap). [`build`] runs it; `main.rs` is only the CLI.

#![forbid(unsafe_code)]
// `Diagnostic` (about 130 bytes) is the error type of cold, user-facing paths;
// boxing it at every `?` would cost readability and buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod cache;
pub mod diag;
pub mod diagram;
pub mod filters;
pub mod fsutil;
pub mod import;
pub mod init;
pub mod lang;
pub mod levels;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod output;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod sink;
pub mod stats;
pub mod text;
pub mod theme;
pub mod translations;
