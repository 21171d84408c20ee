//! The end-of-day batch connector (WoowUp's "process all the purchase orders together").

pub mod csv;
