//! Secrets: in the value files an app read, in its Application's inline
//! values (at their file and line) and in rendered manifests, always
//! masked; with the near misses that must stay quiet.
#![allow(clippy::unwrap_used)]

mod support;

use capstan_check::{Document, ValuesFile, check, rule};
use support::{app, input, rules};

#[test]
fn secrets_in_values_and_manifests() {
    let mut a = app(
        "a",
        &[
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: aHVudGVyMg==\n  empty: \"\"\n",
        ],
    );
    a.values_files.push(ValuesFile {
        path: "env/values.yaml".into(),
        text: format!(
            "db:\n  password: hunter2\nsecrets:\n  NODE_PRIVATEKEY: MAINNET-NODE-PRIVATEKEY\nfaucet:\n  pk: \"0x{}\"\nl1:\n  startHash: \"0x{}\"\ntls: |\n  -----BEGIN EC PRIVATE KEY-----\n  abc\n",
            "ab".repeat(32),
            "cd".repeat(32)
        ),
    });
    let r = check(&input(vec![a], false));
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.location.as_ref().and_then(|l| l.line)))
        .collect();
    assert_eq!(
        got,
        vec![
            (rule::PRIVATE_KEY, Some(10)),
            (rule::SECRET_DATA, Some(5)),
            (rule::SECRET_TOKEN, Some(6)),
            (rule::SECRET_NAME, Some(2)),
        ],
        "{:#?}",
        r.findings
    );
    // Values are masked everywhere.
    let text = capstan_check::render_json(&r);
    assert!(!text.contains("hunter2") && !text.contains(&"ab".repeat(32)));
}

/// An Application manifest with inline Helm values (root file, line 1).
const INLINE_APP: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  source:
    repoURL: https://example.com/r.git
    path: charts/web
    helm:
      values: |
        image: {tag: "1.0"}
        db:
          password: Tr0ub4dor&3
          secretName: db-credentials
          url: postgresql://u:$(DB_PASSWORD)@db:5432/x
      valuesObject:
        api:
          token: "ghp_0123456789abcdefghijABCDEFGHIJ0123456789"
          tokenRef: api-token
  destination: {namespace: ns}
"#;

#[test]
fn inline_values_are_scanned_where_the_application_is_written() {
    let mut a = app("web", &[]);
    a.application = Some(Document {
        template: "apps/web.yaml".into(),
        file: Some("apps/web.yaml".into()),
        line: Some(1),
        text: format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: other}}\n---\n{INLINE_APP}"
        ),
    });
    let r = check(&input(vec![a], false));
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().unwrap();
            (f.rule, l.file.as_str(), l.line, l.rendered)
        })
        .collect();
    // The document starts on line 5 of the file; the literal block's
    // content on line 11 of the document.
    assert_eq!(
        got,
        vec![
            (rule::SECRET_TOKEN, "apps/web.yaml", Some(22), false),
            (rule::SECRET_NAME, "apps/web.yaml", Some(17), false),
        ],
        "{:#?}",
        r.findings
    );
    assert!(r.findings[1].message.contains("spec.source.helm.values"));
    assert!(
        r.findings[0]
            .message
            .contains("spec.source.helm.valuesObject")
    );
    let text = capstan_check::render_json(&r);
    assert!(
        !text.contains("Tr0ub4dor") && !text.contains("ghp_0123"),
        "{text}"
    );

    // Multi-source: each source's helm is read; a folded string (whose
    // lines do not map one to one) points at where its text starts.
    let multi = INLINE_APP
        .replace(
            "  source:\n",
            "  sources:\n  - ref: x\n    repoURL: y\n  -\n",
        )
        .replace("      values: |\n", "      values: >\n");
    let mut a = app("web", &[]);
    a.application = Some(Document {
        template: "apps/web.yaml".into(),
        file: Some("apps/web.yaml".into()),
        line: Some(1),
        text: multi,
    });
    let r = check(&input(vec![a], false));
    assert!(
        r.findings.iter().any(|f| f.rule == rule::SECRET_TOKEN
            && f.message.contains("spec.sources[1].helm.valuesObject")),
        "{:#?}",
        r.findings
    );

    // Near miss: the same values without a secret in them.
    let clean = INLINE_APP
        .replace("password: Tr0ub4dor&3", "password: \"\"")
        .replace(
            "token: \"ghp_0123456789abcdefghijABCDEFGHIJ0123456789\"",
            "tokenSecret: api-token",
        );
    let mut a = app("web", &[]);
    a.application = Some(Document {
        template: "apps/web.yaml".into(),
        file: Some("apps/web.yaml".into()),
        line: Some(1),
        text: clean,
    });
    assert!(rules(&input(vec![a], false)).is_empty());
}

#[test]
fn inline_values_of_a_child_are_reported_once_with_the_child() {
    // The parent renders the child's Application: its values are the
    // child's, reported with the child at the parent's rendered document.
    let mut parent = app("root", &[INLINE_APP]);
    parent.documents[0].file = Some("apps/web.yaml".into());
    parent.documents[0].line = Some(1);
    let mut child = app("web", &[]);
    child.application = Some(parent.documents[0].clone());
    let r = check(&input(vec![parent, child], false));
    let got: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule != rule::NOT_VALIDATED)
        .map(|f| (f.rule, f.app.as_str(), f.location.as_ref().unwrap().line))
        .collect();
    assert_eq!(
        got,
        vec![
            (rule::SECRET_TOKEN, "web", Some(18)),
            (rule::SECRET_NAME, "web", Some(13)),
        ],
        "{:#?}",
        r.findings
    );
}

#[test]
fn value_files_are_scanned_as_given_with_near_misses() {
    let mut a = app("a", &[]);
    a.values_files.push(ValuesFile {
        path: "https://example.com/values.git@v1:prod/values.yaml".into(),
        text: "api:\n  token: ghp_0123456789abcdefghijABCDEFGHIJ0123456789\n  tokenSecretName: api\nsmtp:\n  password: $(SMTP_PASSWORD)\nchecksum/config: 0123456789abcdef0123456789abcdef\n".into(),
    });
    let r = check(&input(vec![a], false));
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().unwrap();
            (f.rule, l.file.as_str(), l.line)
        })
        .collect();
    assert_eq!(
        got,
        vec![(
            rule::SECRET_TOKEN,
            "https://example.com/values.git@v1:prod/values.yaml",
            Some(2)
        )]
    );
}

#[test]
fn secrets_near_misses_in_manifests() {
    let docs = [
        // Placeholders and references are not secrets.
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: <changeme>\n  token: ${TOKEN}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  ca.crt: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----\n  KEY_VAULT_SECRET_NAME: mainnet-seq-db-connstring\n  DB_URL: postgresql://app@db:5432/x\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {pool: general}\n  containers:\n    - name: c\n      image: x:1\n      resources: {requests: {cpu: 1m, memory: 1Mi}}\n      env:\n        - name: PRIVATE_KEY\n          valueFrom: {secretKeyRef: {name: keys, key: pk}}\n        - name: API_TOKEN\n          value: $(TOKEN_FROM_FILE)\n",
    ];
    assert!(
        rules(&input(vec![app("a", &docs)], false)).is_empty(),
        "{:#?}",
        check(&input(vec![app("a", &docs)], false)).findings
    );
    // The same names with literal values are found.
    let leaked = docs[2].replace("$(TOKEN_FROM_FILE)", "Zq8xR7tk77");
    assert_eq!(
        rules(&input(vec![app("a", &[&leaked])], false)),
        vec![rule::SECRET_NAME]
    );
}

#[test]
fn keys_found_by_entropy() {
    let mut a = app("a", &[]);
    a.values_files.push(ValuesFile {
        path: "v.yaml".into(),
        text: "api:\n  clientSecret: aZ3kP9qLm2XvB7nR4tY8wE1u\n  clientId: 6f1c2d7e-aaaa-bbbb-cccc-0123456789ab\n  secretKey: low-entropy-words-only\n".into(),
    });
    assert_eq!(rules(&input(vec![a], false)), vec![rule::SECRET_TOKEN]);
}
