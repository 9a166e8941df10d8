//! Every setting, as a flag or an environment variable (the flag wins).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "reintegra",
    version,
    about = "Reintegra: case management for the reintegration of returnees"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (the default).
    Serve,
    /// Create a municipality (if new) and its first administrator, then exit. The password is
    /// read from REINTEGRA_ADMIN_PASSWORD or, if unset, from the first line of standard input.
    CreateAdmin {
        /// Short stable code of the municipality, e.g. `prizren`.
        #[arg(long)]
        municipality_code: String,
        /// Name as shown, e.g. "Prizren".
        #[arg(long)]
        municipality_name: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// Give the ministry department's national role instead (every municipality's indicators,
        /// aggregates only); the municipality is then the ministry's own, e.g. `--municipality-code
        /// ministry`.
        #[arg(long)]
        national: bool,
    },
    /// Write a consistent copy of the SQLite database (live or not) to a new file, then exit.
    /// To restore: stop the server and put the copy in the database's place.
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: `sqlite://PATH` (embedded, one office) or `postgres://USER@HOST/DB` (national).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/reintegra.db")]
    pub database_url: String,
    /// Address and port to listen on.
    #[arg(long, env = "REINTEGRA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder with the built site (`pkg/`, icons, manifest, service worker).
    #[arg(long, env = "REINTEGRA_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// The address people use to reach the app. With `https://` session cookies are `Secure`.
    #[arg(long, env = "REINTEGRA_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,
    /// A session ends after this many hours without a request.
    #[arg(long, env = "REINTEGRA_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: i64,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy you run).
    #[arg(long, env = "REINTEGRA_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// Failed sign-ins per account before it is locked for a while.
    #[arg(long, env = "REINTEGRA_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: i32,
    /// Failed sign-ins per network address before it is locked for a while.
    #[arg(long, env = "REINTEGRA_LOGIN_MAX_FAILURES_PER_ADDRESS", default_value_t = 30)]
    pub login_max_failures_per_address: i32,
    /// Minutes a locked account or address waits; also the window in which failures count.
    #[arg(long, env = "REINTEGRA_LOGIN_LOCKOUT_MINUTES", default_value_t = 15)]
    pub login_lockout_minutes: i64,
    /// Log lines as human-readable text or as JSON. Levels come from RUST_LOG (default `info`).
    #[arg(long, env = "REINTEGRA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Load the demo municipality and one user per role, only into an empty database.
    #[arg(long, env = "REINTEGRA_DEMO", default_value_t = false)]
    pub demo: bool,
}

impl Settings {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
