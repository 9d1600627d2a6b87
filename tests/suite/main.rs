//! onestop's integration tests, one module per area, in one test binary.
//!
//! One binary rather than one per file (Cargo's default): each test binary links the whole
//! library and instantiates its generics again, so 31 of them were four minutes of a release
//! build on two cores; and the tests that need a browser now share one site build, one static
//! server and one chromedriver (`support::browser`). `cargo test --release --test suite print::`
//! runs one module. The property tests stay in their own binary (`tests/fuzz.rs`, `--test fuzz`).

mod support;

mod annexes;
mod browser;
mod build;
mod cli_no_print;
mod diagrams;
mod embed;
mod errors;
mod escaping;
mod faq;
mod feedback;
mod history;
mod hostile;
mod html_valid;
mod i18n;
mod import;
mod init;
mod leaflet_en;
mod module_graph;
mod nojs;
mod opendata;
mod out_safety;
mod posters;
mod print;
mod process;
mod process_page;
mod reader;
mod routes;
mod satisfaction;
mod search;
mod serve;
mod stats;
