//! The end-of-day batch connector (WoowUp's "process all the purchase orders together").
//!
//! [`run::Run`] is the whole run as a sans-I/O state machine (API v2 and v3); [`drive`] runs it
//! sequentially for Rust programs; the command line drives it concurrently from Node.

pub mod csv;
pub mod doubt;
pub mod drive;
pub mod dry_run;
pub mod ending;
pub mod journal;
pub mod plan;
pub mod reader;
pub mod rows;
pub mod run;
pub mod v3;

pub use journal::{FileFacts, Journal, JournalEntry, JournalLine};
pub use plan::{order_files, FileJobs, Job, JobNext, Plan, PlanOptions, Planner, Work, PROCESSING_ORDER};
pub use reader::{FileParser, FileReader, Parsed, Row, RowRef, MAX_INVOICE_LINES};
pub use rows::{entity_of_file, Mapping};
pub use run::{Api, FileRows, Finished, Item, LogState, Resumption, Run, RowJob, Settings, Stop, Task, TaskStep};
pub use v3::{integration_stats, V3FileJobs, V3Job, V3Planner, V3Work};
