//! citebot's behaviour tests, one binary: the command line, the loader, answer quality and the
//! golden answers, reloads, rendering, scale, the insights store, and the Discord bot end to end
//! against the local Discord double (`tests/support/`). One binary links the crate once; each
//! module is one area.

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod discord_community;
mod discord_e2e;
mod discord_reloads;
mod discord_traffic;
mod formats;
mod golden;
mod hostile_folder;
mod insights;
mod insights_e2e;
mod loader;
mod quality;
mod reload;
mod render;
mod scale;
#[cfg(feature = "semantic")]
mod semantic;
