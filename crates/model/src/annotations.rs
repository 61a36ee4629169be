//! The annotations capstan acts on, parsed once into types.
//!
//! Argo CD reads `argocd.argoproj.io/sync-wave`, `hook`,
//! `hook-delete-policy`, `sync-options` and `compare-options`, and falls
//! back to Helm's `helm.sh/hook`, `hook-weight` and `hook-delete-policy`
//! when its own are absent (gitops-engine's Helm hook mapping). Values Argo
//! CD ignores (a wave that is not an integer, an unknown hook type) are
//! ignored the same way here and listed in [`Annotations::problems`], so a
//! check can report them instead of them vanishing.

use serde::Serialize;

pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
pub const HOOK: &str = "argocd.argoproj.io/hook";
pub const HOOK_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
pub const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
pub const COMPARE_OPTIONS: &str = "argocd.argoproj.io/compare-options";
pub const HELM_HOOK: &str = "helm.sh/hook";
pub const HELM_HOOK_WEIGHT: &str = "helm.sh/hook-weight";
pub const HELM_HOOK_DELETE_POLICY: &str = "helm.sh/hook-delete-policy";

/// An Argo CD hook phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum HookType {
    PreSync,
    Sync,
    PostSync,
    SyncFail,
    PostDelete,
    /// Not applied at all.
    Skip,
}

impl HookType {
    fn parse(s: &str) -> Option<HookType> {
        Some(match s {
            "PreSync" => HookType::PreSync,
            "Sync" => HookType::Sync,
            "PostSync" => HookType::PostSync,
            "SyncFail" => HookType::SyncFail,
            "PostDelete" => HookType::PostDelete,
            "Skip" => HookType::Skip,
            _ => return None,
        })
    }

    /// Argo CD's mapping of a Helm hook event (`None`: Argo CD ignores it).
    fn from_helm(event: &str) -> Option<HookType> {
        match event {
            "crd-install" | "pre-install" | "pre-upgrade" => Some(HookType::PreSync),
            "post-install" | "post-upgrade" => Some(HookType::PostSync),
            "post-delete" => Some(HookType::PostDelete),
            _ => None,
        }
    }
}

/// When a hook resource is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum HookDeletePolicy {
    HookSucceeded,
    HookFailed,
    BeforeHookCreation,
}

impl HookDeletePolicy {
    fn parse(s: &str) -> Option<HookDeletePolicy> {
        Some(match s {
            "HookSucceeded" => HookDeletePolicy::HookSucceeded,
            "HookFailed" => HookDeletePolicy::HookFailed,
            "BeforeHookCreation" => HookDeletePolicy::BeforeHookCreation,
            _ => return None,
        })
    }

    fn from_helm(s: &str) -> Option<HookDeletePolicy> {
        Some(match s {
            "hook-succeeded" => HookDeletePolicy::HookSucceeded,
            "hook-failed" => HookDeletePolicy::HookFailed,
            "before-hook-creation" => HookDeletePolicy::BeforeHookCreation,
            _ => return None,
        })
    }
}

/// A `Key=Value` list (`sync-options`, `compare-options`, `spec.syncPolicy.syncOptions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OptionList(pub Vec<String>);

impl OptionList {
    /// Parses a comma-separated annotation value.
    pub fn parse(text: &str) -> OptionList {
        OptionList(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        )
    }

    /// Whether `Key=Value` (or the bare `Key` for flags such as
    /// `IgnoreExtraneous`) is present.
    pub fn has(&self, option: &str) -> bool {
        self.0.iter().any(|o| o == option)
    }

    /// The value of `Key=...`, the last one winning.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find_map(|o| o.strip_prefix(key)?.strip_prefix('='))
    }
}

/// Everything capstan reads from one object's annotations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Annotations {
    /// The sync wave (Argo CD's, else the Helm hook weight, else 0).
    pub sync_wave: i64,
    /// Hook phases; empty for an ordinary resource.
    pub hooks: Vec<HookType>,
    /// Whether the hooks came from `helm.sh/hook`.
    pub helm_hook: bool,
    pub hook_delete_policies: Vec<HookDeletePolicy>,
    pub sync_options: OptionList,
    pub compare_options: OptionList,
    /// Values Argo CD would silently ignore, as `annotation: problem`.
    pub problems: Vec<String>,
}

impl Annotations {
    /// Parses the annotations of one object.
    pub fn parse<'a>(annotations: impl IntoIterator<Item = (&'a str, &'a str)>) -> Annotations {
        let mut get = std::collections::BTreeMap::new();
        for (k, v) in annotations {
            get.insert(k, v);
        }
        let mut a = Annotations::default();
        let helm_weight = get.get(HELM_HOOK_WEIGHT).and_then(|w| {
            let parsed = w.trim().parse::<i64>().ok();
            if parsed.is_none() {
                a.problems
                    .push(format!("{HELM_HOOK_WEIGHT}: {w:?} is not an integer"));
            }
            parsed
        });
        a.sync_wave = match get.get(SYNC_WAVE) {
            Some(w) => match w.parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    a.problems.push(format!(
                        "{SYNC_WAVE}: {w:?} is not an integer; Argo CD uses wave 0"
                    ));
                    helm_weight.unwrap_or(0)
                }
            },
            None => helm_weight.unwrap_or(0),
        };
        if let Some(h) = get.get(HOOK) {
            for t in h.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match HookType::parse(t) {
                    Some(ht) => a.hooks.push(ht),
                    None => a.problems.push(format!("{HOOK}: unknown hook type {t:?}")),
                }
            }
        } else if let Some(h) = get.get(HELM_HOOK) {
            a.helm_hook = true;
            for t in h.split(',').map(|s| s.trim().to_lowercase()) {
                if let Some(ht) = HookType::from_helm(&t)
                    && !a.hooks.contains(&ht)
                {
                    a.hooks.push(ht);
                }
            }
        }
        if let Some(p) = get.get(HOOK_DELETE_POLICY) {
            for t in p.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match HookDeletePolicy::parse(t) {
                    Some(dp) => a.hook_delete_policies.push(dp),
                    None => a
                        .problems
                        .push(format!("{HOOK_DELETE_POLICY}: unknown policy {t:?}")),
                }
            }
        } else if let Some(p) = get.get(HELM_HOOK_DELETE_POLICY) {
            for t in p.split(',').map(|s| s.trim().to_lowercase()) {
                if let Some(dp) = HookDeletePolicy::from_helm(&t) {
                    a.hook_delete_policies.push(dp);
                }
            }
        }
        if let Some(o) = get.get(SYNC_OPTIONS) {
            a.sync_options = OptionList::parse(o);
        }
        if let Some(o) = get.get(COMPARE_OPTIONS) {
            a.compare_options = OptionList::parse(o);
        }
        a
    }

    /// Whether the object is a hook (not an ordinary resource).
    pub fn is_hook(&self) -> bool {
        !self.hooks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argo_annotations_win_over_helm() {
        let a = Annotations::parse([
            (SYNC_WAVE, "-2"),
            (HELM_HOOK_WEIGHT, "5"),
            (HOOK, "PreSync,PostSync"),
            (HELM_HOOK, "post-install"),
            (HOOK_DELETE_POLICY, "BeforeHookCreation"),
            (SYNC_OPTIONS, "Prune=false, Delete=false"),
            (COMPARE_OPTIONS, "IgnoreExtraneous"),
        ]);
        assert_eq!(a.sync_wave, -2);
        assert_eq!(a.hooks, vec![HookType::PreSync, HookType::PostSync]);
        assert!(!a.helm_hook);
        assert_eq!(
            a.hook_delete_policies,
            vec![HookDeletePolicy::BeforeHookCreation]
        );
        assert_eq!(a.sync_options.value("Prune"), Some("false"));
        assert_eq!(a.sync_options.value("Delete"), Some("false"));
        assert!(a.compare_options.has("IgnoreExtraneous"));
        assert!(a.problems.is_empty());
    }

    #[test]
    fn helm_hooks_map_to_argo_phases() {
        let a = Annotations::parse([
            (HELM_HOOK, "pre-install,pre-upgrade,test"),
            (HELM_HOOK_WEIGHT, "3"),
            (
                HELM_HOOK_DELETE_POLICY,
                "before-hook-creation,hook-succeeded",
            ),
        ]);
        assert_eq!(a.hooks, vec![HookType::PreSync]);
        assert!(a.helm_hook);
        assert_eq!(a.sync_wave, 3);
        assert_eq!(
            a.hook_delete_policies,
            vec![
                HookDeletePolicy::BeforeHookCreation,
                HookDeletePolicy::HookSucceeded
            ]
        );
    }

    #[test]
    fn bad_values_are_ignored_like_argo_but_reported() {
        let a = Annotations::parse([(SYNC_WAVE, "one"), (HOOK, "Sometimes")]);
        assert_eq!(a.sync_wave, 0);
        assert!(a.hooks.is_empty());
        assert_eq!(a.problems.len(), 2, "{:?}", a.problems);
    }
}
