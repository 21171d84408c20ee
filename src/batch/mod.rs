//! The end-of-day batch connector (WoowUp's "process all the purchase orders together").

pub mod csv;
pub mod doubt;
pub mod journal;
pub mod plan;
pub mod reader;
pub mod rows;

pub use reader::{FileParser, FileReader, Parsed, Row, RowRef, MAX_INVOICE_LINES};
pub use rows::{entity_of_file, Mapping};
pub use plan::{order_files, FileJobs, Job, JobNext, PlanOptions, Planner, Work, PROCESSING_ORDER};
pub use journal::{dry_run_line, JournalEntry, Resume};
pub mod v3;
pub use v3::{integration_stats, V3FileJobs, V3Job, V3Planner, V3Resume, V3Work};
