//! Argo CD's build environment (`ARGOCD_APP_NAME`, `ARGOCD_APP_REVISION`,
//! ...) and its substitution into Helm value file paths, file parameter
//! paths and parameter values: Go's `os.Expand` with unknown names
//! expanding to nothing and `$$` to `$`. A side effect users meet: in a
//! single-source app `$values/x.yaml` expands to `/x.yaml`, the repository
//! root.

use std::collections::HashMap;

/// The variables of one source render.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env(HashMap<&'static str, String>);

/// What the environment is built from.
#[derive(Debug)]
pub(crate) struct EnvInputs<'a> {
    pub app: &'a str,
    pub namespace: &'a str,
    pub project: &'a str,
    pub revision: &'a str,
    pub repo_url: &'a str,
    pub path: &'a str,
    pub target_revision: &'a str,
}

impl Env {
    pub(crate) fn new(i: &EnvInputs<'_>) -> Env {
        let short = |n: usize| i.revision.chars().take(n).collect::<String>();
        let mut m = HashMap::new();
        m.insert("ARGOCD_APP_NAME", i.app.to_string());
        m.insert("ARGOCD_APP_NAMESPACE", i.namespace.to_string());
        m.insert("ARGOCD_APP_PROJECT_NAME", i.project.to_string());
        m.insert("ARGOCD_APP_REVISION", i.revision.to_string());
        m.insert("ARGOCD_APP_REVISION_SHORT", short(7));
        m.insert("ARGOCD_APP_REVISION_SHORT_8", short(8));
        m.insert("ARGOCD_APP_SOURCE_REPO_URL", i.repo_url.to_string());
        m.insert("ARGOCD_APP_SOURCE_PATH", i.path.to_string());
        m.insert(
            "ARGOCD_APP_SOURCE_TARGET_REVISION",
            i.target_revision.to_string(),
        );
        Env(m)
    }

    fn lookup(&self, name: &str) -> String {
        if name == "$" {
            return "$".into();
        }
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// Go's `os.Expand(s, mapping)` over this environment.
    pub(crate) fn subst(&self, s: &str) -> String {
        let b = s.as_bytes();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        let mut last = 0;
        while i < b.len() {
            if b[i] == b'$' && i + 1 < b.len() {
                out.push_str(&s[last..i]);
                let (name, width) = shell_name(&s[i + 1..]);
                match (name, width) {
                    (None, w) if w > 0 => {} // bad syntax: the characters are eaten
                    (None, _) => out.push('$'),
                    (Some(n), _) => out.push_str(&self.lookup(n)),
                }
                i += 1 + width;
                last = i;
            } else {
                i += 1;
            }
        }
        out.push_str(&s[last..]);
        out
    }
}

fn is_special(c: u8) -> bool {
    matches!(c, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-') || c.is_ascii_digit()
}

/// Go's `getShellName`: the name after `$` and how many bytes it used.
fn shell_name(s: &str) -> (Option<&str>, usize) {
    let b = s.as_bytes();
    if b[0] == b'{' {
        if b.len() > 2 && is_special(b[1]) && b[2] == b'}' {
            return (Some(&s[1..2]), 3);
        }
        for (i, c) in b.iter().enumerate().skip(1) {
            if *c == b'}' {
                if i == 1 {
                    return (None, 2);
                }
                return (Some(&s[1..i]), i + 1);
            }
        }
        return (None, 1);
    }
    if is_special(b[0]) {
        return (Some(&s[0..1]), 1);
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    if n == 0 {
        (None, 0)
    } else {
        (Some(&s[..n]), n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_go_os_expand() {
        let env = Env::new(&EnvInputs {
            app: "web",
            namespace: "dev",
            project: "p",
            revision: "0123456789abcdef",
            repo_url: "u",
            path: "charts/web",
            target_revision: "main",
        });
        assert_eq!(env.subst("values-$ARGOCD_APP_NAME.yaml"), "values-web.yaml");
        assert_eq!(env.subst("${ARGOCD_APP_NAMESPACE}/x"), "dev/x");
        assert_eq!(env.subst("$ARGOCD_APP_REVISION_SHORT"), "0123456");
        assert_eq!(env.subst("$values/x.yaml"), "/x.yaml");
        assert_eq!(env.subst("a$$b"), "a$b");
        assert_eq!(env.subst("cost: 5$"), "cost: 5$");
        assert_eq!(env.subst("a${}b"), "ab");
        assert_eq!(env.subst("a${b"), "ab");
        assert_eq!(env.subst("x$/y"), "x$/y");
    }
}
