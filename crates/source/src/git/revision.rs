//! `targetRevision` to commit, as Argo CD's repo-server resolves it for a
//! Git source (`lsRemote` in Argo CD's `util/git`), over the refs of a
//! local repository (a cached clone mirrors the remote's branches and tags,
//! so its refs are what `git ls-remote` would list).
//!
//! Order, Argo CD's:
//! 1. empty means `HEAD`; a full commit id is taken as is;
//! 2. a SemVer constraint (`1.2.*`, `>=1.0.0 <2.0.0`, `~1.2`, also a plain
//!    `1.2.3`) picks the highest tag that parses as a version and satisfies
//!    it, Masterminds rules (capstan-helm's), prereleases only when the
//!    constraint names one; no match falls through to names;
//! 3. a ref whose full name or short name (`refs/heads/main` → `main`,
//!    `refs/tags/v1` → `v1`) equals the revision, in ref-name order
//!    (branches before tags); a symbolic ref (`HEAD`) is followed;
//! 4. capstan's addition for a local clone mapped with `--repo`: a branch
//!    that exists only as `refs/remotes/origin/<name>`;
//! 5. 7 or more hex digits: an abbreviated commit id.
//!
//! Expressions such as `main~1` are not revisions Argo CD accepts and are
//! refused here too.

use capstan_helm::sprig::semver::{Constraints, Version};
use gix::ObjectId;
use gix::refs::TargetRef;

/// Versions listed in a "no tag matches" message.
const SHOWN_TAGS: usize = 8;

/// One ref of the repository.
#[derive(Debug)]
struct RefInfo {
    name: String,
    target: Target,
}

#[derive(Debug)]
enum Target {
    Id(ObjectId),
    Symbolic(String),
}

/// The commit `revision` names in `repo`, resolved as Argo CD resolves a
/// `targetRevision`. The error says why nothing matched.
pub(crate) fn resolve(repo: &gix::Repository, revision: &str) -> Result<ObjectId, String> {
    let revision = if revision.is_empty() {
        "HEAD"
    } else {
        revision
    };
    if is_full_commit_id(revision) {
        let id = ObjectId::from_hex(revision.as_bytes())
            .map_err(|e| format!("invalid commit id {revision}: {e}"))?;
        return peel_to_commit(repo, id).map_err(|e| {
            format!("commit {revision} is not in the repository ({e}); is it on a branch or tag?")
        });
    }
    let refs = list_refs(repo)?;
    let constraint = Constraints::parse(revision).ok();
    if let Some(c) = &constraint
        && let Some(id) = highest_matching_tag(&refs, c)
    {
        return peel_to_commit(repo, id);
    }
    if let Some(id) = by_name(&refs, revision) {
        return peel_to_commit(repo, id);
    }
    let tracking = format!("refs/remotes/origin/{revision}");
    if let Some(id) = by_name(&refs, &tracking) {
        return peel_to_commit(repo, id);
    }
    if is_abbreviated_commit_id(revision) {
        return repo
            .rev_parse_single(format!("{revision}^{{commit}}").as_str())
            .map(|id| id.detach())
            .map_err(|e| format!("no commit {revision} in the repository: {e}"));
    }
    if constraint.is_some() {
        return Err(format!(
            "no tag matches the version constraint {revision:?} (version tags: {}), and no branch or tag is named so",
            version_tags(&refs)
        ));
    }
    Err(format!(
        "unable to resolve {revision:?} to a commit: no branch or tag of that name"
    ))
}

/// Argo CD's `IsCommitSHA`: 40 hex digits (64 for SHA-256 repositories).
fn is_full_commit_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Argo CD's `IsTruncatedCommitSHA`: at least 7 hex digits.
fn is_abbreviated_commit_id(s: &str) -> bool {
    s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `HEAD` then every ref, sorted by full name as a remote lists them.
fn list_refs(repo: &gix::Repository) -> Result<Vec<RefInfo>, String> {
    let fail = |e: &dyn std::fmt::Display| format!("listing refs: {e}");
    let mut out = Vec::new();
    let platform = repo.references().map_err(|e| fail(&e))?;
    for r in platform.all().map_err(|e| fail(&e))? {
        let r = r.map_err(|e| fail(&e))?;
        out.push(ref_info(r.name().as_bstr().to_string(), r.target()));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    if let Ok(head) = repo.find_reference("HEAD") {
        out.insert(0, ref_info("HEAD".to_string(), head.target()));
    }
    Ok(out)
}

fn ref_info(name: String, target: TargetRef<'_>) -> RefInfo {
    let target = match target {
        TargetRef::Object(id) => Target::Id(id.to_owned()),
        TargetRef::Symbolic(n) => Target::Symbolic(n.as_bstr().to_string()),
    };
    RefInfo { name, target }
}

/// go-git's `ReferenceName.Short`: the name without its namespace.
fn short_name(full: &str) -> &str {
    ["refs/heads/", "refs/tags/", "refs/remotes/", "refs/"]
        .iter()
        .find_map(|p| full.strip_prefix(p))
        .unwrap_or(full)
}

/// The highest tag that parses as a version and satisfies `constraint`.
fn highest_matching_tag(refs: &[RefInfo], constraint: &Constraints) -> Option<ObjectId> {
    // Argo CD starts from 0.0.0 and keeps strictly greater versions.
    let mut best: Option<(Version, ObjectId)> = None;
    let floor = Version::parse("0.0.0").ok()?;
    for r in refs {
        let Some(tag) = r.name.strip_prefix("refs/tags/") else {
            continue;
        };
        let Target::Id(id) = r.target else {
            continue;
        };
        let Ok(v) = Version::parse(tag) else {
            continue;
        };
        if !constraint.check(&v) {
            continue;
        }
        let current = best.as_ref().map_or(&floor, |(b, _)| b);
        if v.compare(current) == std::cmp::Ordering::Greater {
            best = Some((v, id));
        }
    }
    best.map(|(_, id)| id)
}

/// The first ref whose full or short name is `name` (a direct one wins;
/// a symbolic one is followed to the ref it names).
fn by_name(refs: &[RefInfo], name: &str) -> Option<ObjectId> {
    let mut symbolic: Option<&str> = None;
    for r in refs {
        if r.name != name && short_name(&r.name) != name {
            continue;
        }
        match &r.target {
            Target::Id(id) => return Some(*id),
            Target::Symbolic(t) => symbolic = Some(t),
        }
    }
    let target = symbolic?;
    refs.iter().find_map(|r| match &r.target {
        Target::Id(id) if r.name == target => Some(*id),
        _ => None,
    })
}

/// The tags that parse as versions, highest first, for messages.
fn version_tags(refs: &[RefInfo]) -> String {
    let mut tags: Vec<(Version, &str)> = refs
        .iter()
        .filter_map(|r| r.name.strip_prefix("refs/tags/"))
        .filter_map(|t| Version::parse(t).ok().map(|v| (v, t)))
        .collect();
    if tags.is_empty() {
        return "none".to_string();
    }
    tags.sort_by(|a, b| b.0.compare(&a.0));
    let shown: Vec<&str> = tags.iter().take(SHOWN_TAGS).map(|(_, t)| *t).collect();
    match tags.len() - shown.len() {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The commit an object (a commit, or a tag of one) leads to.
fn peel_to_commit(repo: &gix::Repository, id: ObjectId) -> Result<ObjectId, String> {
    let object = repo.find_object(id).map_err(|e| e.to_string())?;
    let commit = object
        .peel_to_commit()
        .map_err(|e| format!("{id} is not a commit: {e}"))?;
    Ok(commit.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_go_gits() {
        assert_eq!(short_name("refs/heads/main"), "main");
        assert_eq!(short_name("refs/tags/v1.0.0"), "v1.0.0");
        assert_eq!(short_name("refs/remotes/origin/main"), "origin/main");
        assert_eq!(short_name("refs/notes/x"), "notes/x");
        assert_eq!(short_name("HEAD"), "HEAD");
    }

    #[test]
    fn commit_id_shapes() {
        assert!(is_full_commit_id(&"a".repeat(40)));
        assert!(!is_full_commit_id(&"g".repeat(40)));
        assert!(is_abbreviated_commit_id("abc1234"));
        assert!(!is_abbreviated_commit_id("abc123"));
        assert!(!is_abbreviated_commit_id("main"));
    }

    #[test]
    fn branch_before_tag_and_symbolic_followed() {
        let a = ObjectId::from_hex(&b"a".repeat(40)).expect("id");
        let b = ObjectId::from_hex(&b"b".repeat(40)).expect("id");
        let refs = vec![
            RefInfo {
                name: "HEAD".into(),
                target: Target::Symbolic("refs/heads/main".into()),
            },
            RefInfo {
                name: "refs/heads/main".into(),
                target: Target::Id(a),
            },
            RefInfo {
                name: "refs/tags/main".into(),
                target: Target::Id(b),
            },
        ];
        assert_eq!(by_name(&refs, "main"), Some(a));
        assert_eq!(by_name(&refs, "refs/tags/main"), Some(b));
        assert_eq!(by_name(&refs, "HEAD"), Some(a));
        assert_eq!(by_name(&refs, "other"), None);
    }
}
