//! `capstan diff REV-A REV-B [PATH]`: what a change of this repository
//! does to every app of every environment — apps added, removed or
//! changed, their resources added, removed or changed, and the fields of
//! each changed resource — as text, Markdown (a pull-request comment) or
//! JSON. A revision is anything `git rev-parse` takes, or `WORKTREE` (also
//! `.`) for the files on disk. Charts whose inputs are the same at both
//! revisions render once.
//!
//! Exit status: 0 no change, 1 changes, 2 an error (a revision that does
//! not resolve, an app that does not render on either side).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use capstan_source::diff::{Change, FieldChange, TreeDiff, diff_trees};
use clap::{Args, ValueEnum};
use serde_json::Value;

use super::tree::{TreeSource, resolve_reusing};

/// Values printed longer than this are cut (text and Markdown only).
const MAX_VALUE_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Markdown,
    Json,
}

/// Compare the rendered manifests of two revisions.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The old revision (branch, tag, commit, or WORKTREE / . for the files on disk).
    old: String,
    /// The new revision (branch, tag, commit, or WORKTREE / . for the files on disk).
    new: String,
    /// An Application manifest or a folder of them (default:
    /// deploy/environments of the repository, else the current folder).
    path: Option<PathBuf>,
    /// Serve another repository from a local path, or fetch it from
    /// another Git URL (`URL=PATH` or `URL=URL2`; repeatable).
    #[arg(long = "repo", value_name = "URL=PATH")]
    repos: Vec<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    output: Format,
}

fn revision(r: &str) -> Option<String> {
    if r == "." || r.eq_ignore_ascii_case("worktree") {
        None
    } else {
        Some(r.to_string())
    }
}

/// `deploy/environments` under the repository of the current folder when
/// it exists, else the current folder.
fn default_path() -> PathBuf {
    let cwd = PathBuf::from(".");
    let root = capstan_source::repos::git_root(Path::new(".")).unwrap_or(cwd.clone());
    let env = root.join("deploy/environments");
    if env.is_dir() { env } else { cwd }
}

/// Runs the command; returns the exit status (0 same, 1 changes, 2 error).
pub(crate) fn run(a: DiffArgs) -> anyhow::Result<u8> {
    match compare(&a) {
        Ok((diff, text)) => {
            crate::write_stdout(&text)?;
            if !diff.errors.is_empty() {
                let mut msg = String::new();
                for e in &diff.errors {
                    let _ = writeln!(msg, "Error: {e}");
                }
                eprint_str(&msg);
                return Ok(2);
            }
            Ok(u8::from(!diff.is_empty()))
        }
        Err(err) => {
            let mut msg = format!("Error: {err}\n");
            for cause in err.chain().skip(1) {
                let _ = writeln!(msg, "  caused by: {cause}");
            }
            eprint_str(&msg);
            Ok(2)
        }
    }
}

fn eprint_str(s: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(s.as_bytes());
}

fn compare(a: &DiffArgs) -> anyhow::Result<(TreeDiff, String)> {
    let path = a.path.clone().unwrap_or_else(default_path);
    let source = |rev: &str| TreeSource {
        path: path.clone(),
        revision: revision(rev),
        repos: a.repos.clone(),
    };
    let (sa, sb) = (source(&a.old), source(&a.new));
    // The old side first, then the new one reusing every chart render
    // whose inputs (chart files, merged values, release) did not change:
    // most of a change's apps render once. Each side renders its charts
    // several at once.
    let (mut old_engine, old) =
        resolve_reusing(&sa, None).with_context(|| format!("revision {}", a.old))?;
    let (_, new) = resolve_reusing(&sb, Some(&mut old_engine))
        .with_context(|| format!("revision {}", a.new))?;
    let diff = diff_trees(&old, &new);
    let text = match a.output {
        Format::Text => text(&diff),
        Format::Markdown => markdown(&diff),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&diff)?;
            s.push('\n');
            s
        }
    };
    Ok((diff, text))
}

fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        &rev[..12]
    } else {
        rev
    }
}

/// A value for people: compact JSON (strings quoted, so `"1"` and `1`
/// stay apart), cut when long; `-` when absent.
fn show(v: &Option<Value>) -> String {
    let Some(v) = v else { return "-".into() };
    let s = v.to_string();
    if s.chars().count() > MAX_VALUE_CHARS {
        let cut: String = s.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn field_line(f: &FieldChange) -> String {
    let path = if f.path.is_empty() {
        "(document)"
    } else {
        &f.path
    };
    format!("{path}: {} → {}", show(&f.old), show(&f.new))
}

fn sign(c: Change) -> char {
    match c {
        Change::Added => '+',
        Change::Removed => '-',
        Change::Changed => '~',
    }
}

fn headline(d: &TreeDiff) -> String {
    let n = |c| d.apps.iter().filter(|a| a.change == c).count();
    format!(
        "{}..{}: {} apps changed, {} added, {} removed (of {} compared)",
        short(&d.old_revision),
        short(&d.new_revision),
        n(Change::Changed),
        n(Change::Added),
        n(Change::Removed),
        d.apps_compared
    )
}

fn text(d: &TreeDiff) -> String {
    let mut s = format!("{}\n", headline(d));
    if d.apps.is_empty() {
        return s;
    }
    let rows: Vec<[String; 6]> = d
        .apps
        .iter()
        .map(|a| {
            let (p, m, c) = a.counts();
            [
                a.name.clone(),
                a.parent.clone(),
                a.change.as_str().to_string(),
                p.to_string(),
                m.to_string(),
                c.to_string(),
            ]
        })
        .collect();
    let head = ["APP", "PARENT", "STATUS", "+", "-", "~"].map(String::from);
    let mut widths = [0usize; 6];
    for r in std::iter::once(&head).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    s.push('\n');
    for r in std::iter::once(&head).chain(&rows) {
        let mut line = String::new();
        for (i, (w, c)) in widths.iter().zip(r).enumerate() {
            if i < 3 {
                let _ = write!(line, "{c:<w$}  ");
            } else {
                let _ = write!(line, "{c:>w$}  ");
            }
        }
        let _ = writeln!(s, "{}", line.trim_end());
    }
    for a in &d.apps {
        let _ = writeln!(s, "\n{} ({})", a.name, a.change.as_str());
        for r in &a.resources {
            let _ = writeln!(s, "  {} {}", sign(r.change), r.key);
            for f in &r.fields {
                let _ = writeln!(s, "      {}", field_line(f));
            }
        }
    }
    s
}

/// Markdown table cells may not hold `|` or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(d: &TreeDiff) -> String {
    let mut s = format!("### capstan diff `{}`\n\n", headline(d));
    if d.apps.is_empty() {
        s.push_str("No change to any rendered manifest.\n");
        return s;
    }
    s.push_str("| App | Parent | Status | Added | Removed | Changed |\n");
    s.push_str("|---|---|---|---:|---:|---:|\n");
    for a in &d.apps {
        let (p, m, c) = a.counts();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {p} | {m} | {c} |",
            cell(&a.name),
            cell(&a.parent),
            a.change.as_str()
        );
    }
    for a in &d.apps {
        let _ = writeln!(
            s,
            "\n<details><summary><code>{}</code> ({})</summary>\n\n```diff",
            a.name,
            a.change.as_str()
        );
        for r in &a.resources {
            let _ = writeln!(s, "{} {}", sign(r.change), r.key);
            for f in &r.fields {
                let _ = writeln!(s, "!     {}", field_line(f).replace("```", "`\u{200b}``"));
            }
        }
        s.push_str("```\n\n</details>\n");
    }
    s
}
