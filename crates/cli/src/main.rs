//! The `capstan` command.
//!
//! Exit codes (documented in README.md):
//! - 0: success;
//! - 1: the command ran and failed (a render error, changes found by `diff`,
//!   findings at or above `--fail-on` for `check`);
//! - 2: usage error (bad flags or arguments).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Rendering allocates many small strings and maps; mimalloc makes that a
// third cheaper than glibc's allocator (BENCHMARKS.md, measured by
// scripts/bench).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;

/// A GitOps engine for Helm charts and Argo CD Applications.
#[derive(Debug, Parser)]
#[command(name = "capstan", version, about, long_about = None)]
struct Cli {
    /// Read Helm chart repositories and OCI registries only from local
    /// mirrors and the cache (`CAPSTAN_CACHE_DIR`), never from the network.
    #[arg(
        long,
        global = true,
        env = "CAPSTAN_OFFLINE",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    offline: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Locally render a chart exactly as `helm template` does.
    Template(Box<commands::template::TemplateArgs>),
    /// Show the app-of-apps tree of Argo CD Applications.
    Tree(commands::tree::TreeArgs),
    /// Render every Application of an app-of-apps tree as Argo CD would.
    Render(commands::render::RenderArgs),
    /// Check the rendered tree: capacity and placement, secrets, fleet rules, APIs.
    Check(commands::check::CheckArgs),
    /// Compare the rendered manifests of two revisions, app by app and field by field.
    Diff(commands::diff::DiffArgs),
    /// Commit the rendered manifests of a source commit to a branch.
    Hydrate(commands::hydrate::HydrateArgs),
    /// Print the version and the reference versions capstan matches.
    Version,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The command runs on a thread with a stack deep enough for Helm's
    // limits, so rendering needs no other thread to recurse on (and no
    // hand-over to one, which costs more than a small chart's render).
    let outcome = capstan_helm::worker::on_deep_stack(move || run(cli)).unwrap_or_else(|failure| {
        Err(anyhow::anyhow!(match failure {
            capstan_helm::worker::Failure::Spawn(reason) => reason,
            _ => "internal error".to_string(),
        }))
    });
    match outcome {
        Ok(code) => code,
        Err(err) => {
            report(&err);
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    commands::tree::set_offline(cli.offline);
    match cli.command {
        Command::Template(args) => Ok(ExitCode::from(commands::template::run(*args)?)),
        Command::Tree(args) => Ok(ExitCode::from(commands::tree::run(args)?)),
        Command::Render(args) => Ok(ExitCode::from(commands::render::run(args)?)),
        Command::Check(args) => Ok(ExitCode::from(commands::check::run(args)?)),
        Command::Diff(args) => Ok(ExitCode::from(commands::diff::run(args)?)),
        Command::Hydrate(args) => Ok(ExitCode::from(commands::hydrate::run(args)?)),
        Command::Version => {
            write_stdout(&format!(
                "capstan {}\nrenders as: Helm v4.2.3 (Go text/template)\n",
                env!("CARGO_PKG_VERSION")
            ))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Prints an error with its whole chain of causes, one per line.
fn report(err: &anyhow::Error) {
    use std::io::Write;
    let mut msg = format!("Error: {err}\n");
    for cause in err.chain().skip(1) {
        msg.push_str(&format!("  caused by: {cause}\n"));
    }
    let _ = std::io::stderr().write_all(msg.as_bytes());
}
