//! The end-of-day batch connector (WoowUp's "process all the purchase orders together").

pub mod csv;
pub mod reader;
pub mod rows;

pub use reader::{FileParser, FileReader, Parsed, Row, RowRef, MAX_INVOICE_LINES};
pub use rows::{entity_of_file, Mapping};
