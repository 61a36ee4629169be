//! Hostile and damaged input never panics: every truncation and a spread
//! of byte mutations of real manifests parse to a value or a clear error.

use capstan_model::{parse_argo_documents, split_documents};

fn samples() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/environments");
    [
        "nonprod/root.yaml",
        "nonprod/apps/project.yaml",
        "dev/apps/sequencer.yaml",
        "mainnet/apps/gateway.yaml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(root.join(f)).expect("sample"))
    .collect()
}

#[test]
fn truncations_and_mutations_never_panic() {
    let junk: &[&str] = &[
        "\u{0}", ":", "- ", "\t", "{", "[", "&a ", "*a", "!!str ", "'", "\"", "---\n", "...\n",
        "\u{feff}", "é",
    ];
    let mut checked = 0;
    for s in samples() {
        let chars: Vec<char> = s.chars().collect();
        for cut in (0..chars.len()).step_by(7) {
            let prefix: String = chars[..cut].iter().collect();
            let _ = parse_argo_documents("t.yaml", &prefix);
            checked += 1;
        }
        for (i, j) in junk.iter().enumerate() {
            for pos in (i..chars.len()).step_by(41) {
                let mut m: String = chars[..pos].iter().collect();
                m.push_str(j);
                m.extend(chars[pos..].iter());
                if let Err(e) = parse_argo_documents("t.yaml", &m) {
                    assert_eq!(e.origin, "t.yaml");
                    assert!(!e.message.is_empty());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused_not_expanded() {
    let mut bomb = String::from(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n  labels:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..12 {
        bomb.push_str(&format!("    a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
    }
    bomb.push_str("spec: {}\n");
    assert!(parse_argo_documents("bomb.yaml", &bomb).is_err());
    let deep = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: x}}\nspec:\n  info: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(parse_argo_documents("deep.yaml", &deep).is_err());
    assert_eq!(split_documents(&"---\n".repeat(10_000)).len(), 0);
}
