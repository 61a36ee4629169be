//! Rule switches: per app and per resource, by annotation or
//! configuration, always with a reason every output shows; broken
//! switches are findings.
#![allow(clippy::unwrap_used)]

mod support;

use capstan_check::{Input, Skip, check, rule};
use support::{POD, app, input, rules};

#[test]
fn app_switches_need_a_reason() {
    let latest = POD.replace("IMAGE", "nginx:latest");
    let mut a = app("a", &[&latest]);
    a.annotations.insert(
        "check.capstan.dev/skip-image-tag".into(),
        "canary tracks the newest build".into(),
    );
    let r = check(&input(vec![a.clone()], true));
    assert_eq!(r.findings.len(), 1);
    assert!(
        r.findings[0]
            .skipped
            .as_deref()
            .unwrap()
            .contains("canary tracks")
    );
    assert_eq!(r.count_at_least(capstan_check::Severity::Warning), 0);
    let human = capstan_check::render_human(&r);
    assert!(human.contains("switched off: canary tracks"), "{human}");
    // Without a reason: the switch is itself an error and switches nothing.
    a.annotations
        .insert("check.capstan.dev/skip-image-tag".into(), " ".into());
    assert_eq!(
        rules(&input(vec![a], true)),
        vec![rule::IMAGE_TAG, rule::SKIP_REASON]
    );
    // From configuration, by app glob.
    let mut i = input(vec![app("dev-a", &[&latest])], true);
    i.skips.push(Skip {
        rule: "image-tag".into(),
        apps: vec!["dev-*".into()],
        resource: None,
        reason: "dev".into(),
        origin: "capstan.yaml".into(),
    });
    assert!(rules(&i).is_empty());
}

const TWO_LATEST: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: NAME\n  namespace: ns\n  annotations:\n    ANNOTATIONS\nspec:\n  selector: {matchLabels: {a: NAME}}\n  template:\n    metadata: {labels: {a: NAME}}\n    spec:\n      nodeSelector: {pool: general}\n      containers: [{name: c, image: \"nginx:latest\", resources: {requests: {cpu: 1m, memory: 1Mi}}}]\n";

fn deployment(name: &str, annotations: &str) -> String {
    TWO_LATEST
        .replace("NAME", name)
        .replace("ANNOTATIONS", annotations)
}

/// (rule, resource, skipped reason) of every finding.
fn outcome(i: &Input) -> Vec<(&'static str, String, Option<String>)> {
    check(i)
        .findings
        .into_iter()
        .map(|f| (f.rule, f.resource.unwrap_or_default(), f.skipped))
        .collect()
}

#[test]
fn a_resource_annotation_switches_a_rule_off_for_that_resource_only() {
    let on = deployment(
        "canary",
        "check.capstan.dev/skip-image-tag: canary follows the newest build",
    );
    let off = deployment("web", "team: web");
    let mut a = app("a", &[&on, &off]);
    a.documents[0].file = Some("apps/canary.yaml".into());
    a.documents[0].line = Some(1);
    let i = input(vec![a], true);
    let got = outcome(&i);
    assert_eq!(got.len(), 2, "{got:#?}");
    let canary = got.iter().find(|f| f.1.contains("canary")).unwrap();
    let web = got.iter().find(|f| f.1.contains("/web")).unwrap();
    assert_eq!(canary.0, rule::IMAGE_TAG);
    let reason = canary.2.as_deref().unwrap();
    assert!(
        reason.contains("canary follows the newest build")
            && reason.contains("on apps/Deployment ns/canary (apps/canary.yaml:7)"),
        "{reason}"
    );
    // Near miss: the other Deployment of the same app still fails.
    assert_eq!((web.0, web.2.as_deref()), (rule::IMAGE_TAG, None));
    // The same annotation switching another rule leaves image-tag on.
    let other = deployment(
        "canary",
        "check.capstan.dev/skip-no-requests: requests come from a LimitRange",
    );
    assert_eq!(
        rules(&input(vec![app("a", &[&other])], true)),
        vec![rule::IMAGE_TAG]
    );
    // The reason shows in every output.
    let r = check(&i);
    let human = capstan_check::render_human(&r);
    assert!(
        human.contains("switched off: canary follows the newest build"),
        "{human}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&capstan_check::render_sarif(&r)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<_> = results
        .iter()
        .filter_map(|x| x["suppressions"][0]["justification"].as_str())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert!(suppressed[0].contains("canary follows"));
    let json: serde_json::Value = serde_json::from_str(&capstan_check::render_json(&r)).unwrap();
    assert!(json["findings"].as_array().unwrap().iter().any(|f| {
        f["skipped"]
            .as_str()
            .is_some_and(|s| s.contains("canary follows"))
    }));
}

#[test]
fn broken_resource_switches_are_findings() {
    // No reason: an error at the annotation's line, and nothing is switched off.
    let empty = deployment("web", "check.capstan.dev/skip-image-tag: \"  \"");
    let mut a = app("a", &[&empty]);
    a.documents[0].file = Some("apps/web.yaml".into());
    a.documents[0].line = Some(3);
    let r = check(&input(vec![a], true));
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            (
                f.rule,
                f.severity,
                f.location.as_ref().unwrap().line,
                f.skipped.is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                rule::IMAGE_TAG,
                capstan_check::Severity::Error,
                Some(16),
                false
            ),
            (
                rule::SKIP_REASON,
                capstan_check::Severity::Error,
                Some(9),
                false
            ),
        ],
        "{:#?}",
        r.findings
    );
    assert_eq!(
        r.findings[1].resource.as_deref(),
        Some("apps/Deployment ns/web")
    );
    // An unknown rule: a warning naming the rules; the finding stays on.
    let typo = deployment("web", "check.capstan.dev/skip-image-tags: canary");
    let r = check(&input(vec![app("a", &[&typo])], true));
    let got: Vec<_> = r.findings.iter().map(|f| (f.rule, f.severity)).collect();
    assert_eq!(
        got,
        vec![
            (rule::IMAGE_TAG, capstan_check::Severity::Error),
            (rule::UNKNOWN_RULE, capstan_check::Severity::Warning),
        ]
    );
    assert!(
        r.findings[1].message.contains("\"image-tags\"")
            && r.findings[1].message.contains("image-tag,")
    );
    // The same on the Application and in configuration.
    let mut a = app("a", &[&deployment("web", "team: web")]);
    a.annotations
        .insert("check.capstan.dev/skip-imagetag".into(), "x".into());
    let mut i = input(vec![a], true);
    i.skips.push(Skip {
        rule: "no-such-rule".into(),
        reason: "r".into(),
        origin: "capstan.yaml check.skip[0]".into(),
        ..Skip::default()
    });
    i.skips.push(Skip {
        rule: "image-tag".into(),
        reason: "  ".into(),
        origin: "capstan.yaml check.skip[1]".into(),
        ..Skip::default()
    });
    assert_eq!(
        rules(&i),
        vec![
            rule::IMAGE_TAG,
            rule::SKIP_REASON,
            rule::UNKNOWN_RULE,
            rule::UNKNOWN_RULE
        ]
    );
}

#[test]
fn configured_resource_switches_select_kind_namespace_and_name() {
    let docs = [
        deployment("faucet-1", "team: f"),
        deployment("faucet-2", "team: f"),
        deployment("web", "team: w"),
    ];
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let skipped = |sel: capstan_check::ResourceSelector, apps: Vec<String>| {
        let mut i = input(vec![app("dev-a", &refs)], true);
        i.skips.push(Skip {
            rule: "image-tag".into(),
            apps,
            resource: Some(sel),
            reason: "faucets track the newest build".into(),
            origin: "capstan.yaml check.skip[0]".into(),
        });
        let mut names: Vec<String> = check(&i)
            .findings
            .into_iter()
            .filter(|f| f.skipped.is_some())
            .map(|f| f.resource.unwrap())
            .collect();
        names.sort();
        names
    };
    let sel = |kind: &str, namespace: &str, name: &str| capstan_check::ResourceSelector {
        kind: kind.into(),
        namespace: namespace.into(),
        name: name.into(),
    };
    assert_eq!(
        skipped(sel("Deployment", "ns", "faucet-*"), vec![]),
        vec!["apps/Deployment ns/faucet-1", "apps/Deployment ns/faucet-2"]
    );
    assert_eq!(
        skipped(sel("", "", "web"), vec!["dev-*".into()]),
        vec!["apps/Deployment ns/web"]
    );
    // Near misses: another kind, namespace or app selects nothing.
    assert!(skipped(sel("StatefulSet", "", "faucet-*"), vec![]).is_empty());
    assert!(skipped(sel("Deployment", "other", ""), vec![]).is_empty());
    assert!(skipped(sel("deployment", "", "web"), vec![]).is_empty());
    assert!(skipped(sel("Deployment", "", "web"), vec!["prod-*".into()]).is_empty());
}
