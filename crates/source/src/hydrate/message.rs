//! What a hydrated commit changed, and the message that says so.
//!
//! The change is read from the hydrated trees themselves (blob ids per
//! file), not from capstan-source's `diff` module: `diff` compares
//! resources as data and forgives YAML spelling, while a hydrated commit
//! must describe its own Git diff byte for byte, and the previous state is
//! the branch as it is (possibly written by an older run), which needs no
//! second render to read. Each file is one resource, so file counts are
//! resource counts.

use std::collections::BTreeMap;

use gix::ObjectId;

use super::SOURCE_TRAILER;
use super::git::{Listing, SourceCommit, short};
use crate::diff::Change;

/// Files listed per changed app in a message, at most.
const MAX_FILES_LISTED: usize = 20;

/// One app folder added, removed or changed by a hydrated commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppChange {
    /// The app's folder on the branch (its Application name).
    pub app: String,
    pub change: Change,
    /// Files (one resource each) added, removed and changed in the folder.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

fn files_diff(
    old: &BTreeMap<String, ObjectId>,
    new: &BTreeMap<String, ObjectId>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let added = new
        .keys()
        .filter(|f| !old.contains_key(*f))
        .cloned()
        .collect();
    let removed = old
        .keys()
        .filter(|f| !new.contains_key(*f))
        .cloned()
        .collect();
    let changed = new
        .iter()
        .filter(|(f, id)| old.get(*f).is_some_and(|o| o != *id))
        .map(|(f, _)| f.clone())
        .collect();
    (added, removed, changed)
}

/// The apps that differ between two hydrated trees, by name.
pub(super) fn compare(old: &Listing, new: &Listing) -> Vec<AppChange> {
    let empty = BTreeMap::new();
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for app in names {
        let change = match (old.get(app), new.get(app)) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (Some(a), Some(b)) if a == b => continue,
            _ => Change::Changed,
        };
        let (added, removed, changed) = files_diff(
            old.get(app).unwrap_or(&empty),
            new.get(app).unwrap_or(&empty),
        );
        out.push(AppChange {
            app: app.clone(),
            change,
            added,
            removed,
            changed,
        });
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The hydrated commit's message: `Hydrate <short sha>: <source subject>`,
/// a summary line, one line per app (the files of changed apps below it),
/// and the source commit as a trailer.
pub(super) fn message(source: &SourceCommit, changes: &[AppChange], apps: usize) -> String {
    let mut m = format!("Hydrate {}: {}\n\n", short(&source.id), source.subject);
    let count = |c| changes.iter().filter(|a| a.change == c).count();
    m.push_str(&format!(
        "{} changed: {} added, {} removed, {} changed (of {} on the branch)\n",
        plural(changes.len(), "app"),
        count(Change::Added),
        count(Change::Removed),
        count(Change::Changed),
        apps
    ));
    if !changes.is_empty() {
        m.push('\n');
    }
    for a in changes {
        match a.change {
            Change::Added => m.push_str(&format!(
                "+ {}: {}\n",
                a.app,
                plural(a.added.len(), "resource")
            )),
            Change::Removed => m.push_str(&format!(
                "- {}: {}\n",
                a.app,
                plural(a.removed.len(), "resource")
            )),
            Change::Changed => {
                m.push_str(&format!(
                    "~ {}: {} added, {} removed, {} changed\n",
                    a.app,
                    a.added.len(),
                    a.removed.len(),
                    a.changed.len()
                ));
                let files = a
                    .added
                    .iter()
                    .map(|f| ('+', f))
                    .chain(a.removed.iter().map(|f| ('-', f)))
                    .chain(a.changed.iter().map(|f| ('~', f)));
                let total = a.added.len() + a.removed.len() + a.changed.len();
                for (sign, f) in files.take(MAX_FILES_LISTED) {
                    m.push_str(&format!("    {sign} {f}\n"));
                }
                if total > MAX_FILES_LISTED {
                    m.push_str(&format!("    … and {} more\n", total - MAX_FILES_LISTED));
                }
            }
        }
    }
    m.push_str(&format!("\n{SOURCE_TRAILER}: {}\n", source.id));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydrate::git::Sig;

    fn id(c: char) -> ObjectId {
        ObjectId::from_hex(c.to_string().repeat(40).as_bytes()).expect("hex")
    }

    fn listing(apps: &[(&str, &[(&str, char)])]) -> Listing {
        apps.iter()
            .map(|(a, files)| {
                (
                    a.to_string(),
                    files.iter().map(|(f, c)| (f.to_string(), id(*c))).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn apps_and_files_compared_by_blob() {
        let old = listing(&[("a", &[("x", '1'), ("y", '2')]), ("gone", &[("z", '3')])]);
        let new = listing(&[
            ("a", &[("x", '1'), ("y", '4'), ("w", '5')]),
            ("new", &[("v", '6')]),
        ]);
        let c = compare(&old, &new);
        let names: Vec<(&str, Change)> = c.iter().map(|a| (a.app.as_str(), a.change)).collect();
        assert_eq!(
            names,
            [
                ("a", Change::Changed),
                ("gone", Change::Removed),
                ("new", Change::Added)
            ]
        );
        assert_eq!(c[0].added, ["w"]);
        assert_eq!(c[0].changed, ["y"]);
        assert!(c[0].removed.is_empty());

        let sig = Sig {
            name: "n".into(),
            email: "e".into(),
            time: "0 +0000".into(),
        };
        let source = SourceCommit {
            id: id('a'),
            subject: "bump".into(),
            author: sig.clone(),
            committer: sig,
        };
        let m = message(&source, &c, 2);
        assert_eq!(
            m,
            format!(
                "Hydrate aaaaaaaaaaaa: bump\n\n\
                 3 apps changed: 1 added, 1 removed, 1 changed (of 2 on the branch)\n\n\
                 ~ a: 1 added, 0 removed, 1 changed\n    + w\n    ~ y\n\
                 - gone: 1 resource\n\
                 + new: 1 resource\n\n\
                 {SOURCE_TRAILER}: {}\n",
                "a".repeat(40)
            )
        );
    }
}
