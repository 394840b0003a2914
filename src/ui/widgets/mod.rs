//! Widgets every session screen shares: header, progress bar, footer, output pane.

pub mod footer;
pub mod header;
pub mod output;
pub mod popup;
pub mod progress;
