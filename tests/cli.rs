//! Integration tests for the `ewsim` command line (placeholder until CLI tests land).
