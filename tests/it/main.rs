//! The one integration test binary (one link step for all integration tests).

mod bad_input;
mod build;
mod cli;
mod git;
mod safety;
mod serve;
mod support;
mod workflow;
