//! Every rule: inputs that must trigger it and near misses that must not
//! (secrets and rule switches have their own files).
#![allow(clippy::unwrap_used)]

mod support;

use capstan_check::{Inventory, ValuesFile, check, rule};
use support::{INVENTORY, POD, app, input, rules};

/// A StatefulSet of one enclave pod: `extra` goes into the pod spec.
fn enclave(name: &str, epc: &str, extra: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}}}
spec:
  serviceName: {name}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata:
      labels: {{app: {name}, component: enclave, node: n1}}
    spec:
      tolerations: [{{key: ten.xyz/sgx, operator: Exists, effect: NoSchedule}}]
      nodeSelector: {{ten.xyz/sgx: "true"}}
{extra}
      containers:
        - name: enclave
          image: reg/enclave:v1
          resources:
            requests: {{cpu: 500m, memory: 1Gi, sgx.intel.com/epc: {epc}, sgx.intel.com/enclave: "1", sgx.intel.com/provision: "1"}}
"#
    )
}

const ANTI: &str = "      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - labelSelector: {matchLabels: {component: enclave, node: n1}}\n              topologyKey: kubernetes.io/hostname";

#[test]
fn a_clean_pair_of_enclaves_passes() {
    let i = input(
        vec![app(
            "n1",
            &[&enclave("e1", "6Gi", ANTI), &enclave("e2", "6Gi", ANTI)],
        )],
        true,
    );
    assert_eq!(rules(&i), Vec::<&str>::new());
}

#[test]
fn pinned_pods_over_commit_a_node() {
    let pin = "      nodeName: sgx-a";
    let i = input(
        vec![
            app("n1", &[&enclave("e1", "6Gi", pin)]),
            app("n2", &[&enclave("e2", "6Gi", pin)]),
        ],
        false,
    );
    let r = check(&i);
    let cap: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == rule::CAPACITY)
        .collect();
    assert_eq!(cap.len(), 1, "{:#?}", r.findings);
    assert!(
        cap[0]
            .message
            .contains("sgx.intel.com/epc requests 12Gi of 10Gi"),
        "{}",
        cap[0].message
    );
    assert_eq!(cap[0].location.as_ref().unwrap().file, "nodes.yaml");
    // Near miss: the same pods on two nodes.
    let i = input(
        vec![
            app("n1", &[&enclave("e1", "6Gi", pin)]),
            app("n2", &[&enclave("e2", "6Gi", "      nodeName: sgx-b")]),
        ],
        false,
    );
    assert!(!rules(&i).contains(&rule::CAPACITY));
}

#[test]
fn pods_that_fit_no_node_or_a_missing_node() {
    let none = "      nodeSelector: {ten.xyz/sgx: \"true\", pool: gpu}";
    let i = input(
        vec![app(
            "n1",
            &[&enclave("e1", "1Gi", none)
                .replace("      nodeSelector: {ten.xyz/sgx: \"true\"}\n", "")],
        )],
        false,
    );
    assert_eq!(rules(&i), vec![rule::UNSCHEDULABLE]);
    // Too big for any node.
    let i = input(vec![app("n1", &[&enclave("e1", "11Gi", "")])], false);
    assert_eq!(rules(&i), vec![rule::UNSCHEDULABLE]);
    // Taint not tolerated.
    let i = input(
        vec![app(
            "n1",
            &[&enclave("e1", "1Gi", "").replace(
                "tolerations: [{key: ten.xyz/sgx, operator: Exists, effect: NoSchedule}]",
                "tolerations: []",
            )],
        )],
        false,
    );
    assert_eq!(rules(&i), vec![rule::UNSCHEDULABLE]);
    let i = input(
        vec![app("n1", &[&enclave("e1", "1Gi", "      nodeName: sgx-z")])],
        false,
    );
    assert_eq!(rules(&i), vec![rule::UNKNOWN_NODE]);
    let aff = "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [gone]}]";
    let i = input(vec![app("n1", &[&enclave("e1", "1Gi", aff)])], false);
    assert_eq!(rules(&i), vec![rule::UNKNOWN_NODE]);
    // Near miss: affinity to a node that exists.
    let i = input(
        vec![app(
            "n1",
            &[&enclave("e1", "1Gi", &aff.replace("[gone]", "[sgx-b]"))],
        )],
        false,
    );
    assert_eq!(rules(&i), Vec::<&str>::new());
}

#[test]
fn first_fit_finds_no_room() {
    // Three 6Gi enclaves, two 10Gi nodes: the third has nowhere to go.
    let i = input(
        vec![
            app("a", &[&enclave("e1", "6Gi", "")]),
            app("b", &[&enclave("e2", "6Gi", "")]),
            app("c", &[&enclave("e3", "6Gi", "")]),
        ],
        false,
    );
    assert_eq!(rules(&i), vec![rule::CAPACITY]);
}

#[test]
fn enclave_without_sgx_requests() {
    let d = enclave("e1", "1Gi", "").replace(", sgx.intel.com/epc: 1Gi", "");
    let i = input(vec![app("n1", &[&d])], false);
    assert!(rules(&i).contains(&rule::SGX_REQUESTS), "{:?}", rules(&i));
    // Near miss: simulation mode needs no SGX.
    let sim = d.replace(
        "          image: reg/enclave:v1",
        "          image: reg/enclave:v1\n          env: [{name: OE_SIMULATION, value: \"1\"}]",
    );
    assert!(!rules(&input(vec![app("n1", &[&sim])], false)).contains(&rule::SGX_REQUESTS));
}

#[test]
fn ha_pair_on_one_machine() {
    let pin = "      nodeName: sgx-a";
    let i = input(
        vec![app(
            "n1",
            &[&enclave("e1", "2Gi", pin), &enclave("e2", "2Gi", pin)],
        )],
        false,
    );
    assert_eq!(rules(&i), vec![rule::HA_SAME_NODE]);
    // Without anti-affinity: a warning that they may share a machine.
    let i = input(
        vec![app(
            "n1",
            &[&enclave("e1", "2Gi", ""), &enclave("e2", "2Gi", "")],
        )],
        false,
    );
    let r = check(&i);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].rule, rule::HA_SAME_NODE);
    assert_eq!(r.findings[0].severity, capstan_check::Severity::Warning);
}

#[test]
fn image_tags_in_prod_only() {
    let latest = POD.replace("IMAGE", "nginx:latest");
    assert_eq!(
        rules(&input(vec![app("a", &[&latest])], true)),
        vec![rule::IMAGE_TAG]
    );
    let none = POD.replace("IMAGE", "registry:5000/nginx");
    assert_eq!(
        rules(&input(vec![app("a", &[&none])], true)),
        vec![rule::IMAGE_TAG]
    );
    assert!(rules(&input(vec![app("a", &[&latest])], false)).is_empty());
    let pinned = POD.replace("IMAGE", "registry:5000/nginx:1.27");
    assert!(rules(&input(vec![app("a", &[&pinned])], true)).is_empty());
    let digest = POD.replace("IMAGE", "nginx@sha256:abc");
    assert!(rules(&input(vec![app("a", &[&digest])], true)).is_empty());
}

#[test]
fn containers_without_requests() {
    let p = POD
        .replace("IMAGE", "nginx:1")
        .replace(", memory: 64Mi", "");
    assert_eq!(
        rules(&input(vec![app("a", &[&p])], false)),
        vec![rule::NO_REQUESTS]
    );
    // Limits alone count as requests.
    let l = POD.replace("IMAGE", "nginx:1").replace(
        "requests: {cpu: 100m, memory: 64Mi}",
        "limits: {cpu: 100m, memory: 64Mi}",
    );
    assert!(rules(&input(vec![app("a", &[&l])], false)).is_empty());
}

#[test]
fn enclave_pvcs_need_the_keep_policy() {
    let sts = enclave(
        "e1",
        "1Gi",
        "      volumes: [{name: d, persistentVolumeClaim: {claimName: e1-data}}]",
    );
    let pvc = |ann: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: e1-data\n  annotations: {{{ann}}}\nspec: {{accessModes: [ReadWriteOnce]}}\n"
        )
    };
    let bad = pvc("helm.sh/resource-policy: keep");
    let r = check(&input(vec![app("a", &[&sts, &bad])], false));
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == rule::PVC_KEEP)
        .collect();
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("Argo CD ignores it"));
    let good = pvc("argocd.argoproj.io/sync-options: \"Delete=false,Prune=false\"");
    assert!(rules(&input(vec![app("a", &[&sts, &good])], false)).is_empty());
    // A PVC no enclave uses is not enclave data.
    let other = bad.replace("e1-data", "cache");
    assert!(rules(&input(vec![app("a", &[&sts, &other])], false)).is_empty());
}

#[test]
fn duplicates_and_namespaces() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n";
    let r = rules(&input(vec![app("a", &[cm]), app("b", &[cm])], false));
    assert_eq!(r, vec![rule::DUPLICATE]);
    // Different namespaces are different resources.
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: other}\n";
    let r = rules(&input(vec![app("a", &[cm]), app("b", &[other])], false));
    assert_eq!(r, vec![rule::NAMESPACE]);
    // Different clusters never collide.
    let mut b = app("b", &[cm]);
    b.cluster = "d".into();
    assert!(rules(&input(vec![app("a", &[cm]), b], false)).is_empty());
}

#[test]
fn wave_deadlocks() {
    let hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations: {argocd.argoproj.io/hook: PreSync}\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: x:1\n          resources: {requests: {cpu: 1m, memory: 1Mi}}\n          envFrom: [{configMapRef: {name: settings}}]\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
    assert_eq!(
        rules(&input(vec![app("a", &[hook, cm])], false)),
        vec![rule::WAVE_DEADLOCK]
    );
    // Near miss: the ConfigMap is a PreSync hook of an earlier wave.
    let cm_hook = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations: {argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/sync-wave: \"-1\"}\n";
    assert!(rules(&input(vec![app("a", &[hook, cm_hook])], false)).is_empty());
    // An optional reference never blocks.
    let optional = hook.replace("{name: settings}", "{name: settings, optional: true}");
    assert!(rules(&input(vec![app("a", &[&optional, cm])], false)).is_empty());
    // WaitForFirstConsumer PVC in an earlier wave than its pod.
    let sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: wffc}\nprovisioner: x\nvolumeBindingMode: WaitForFirstConsumer\n";
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  annotations: {argocd.argoproj.io/sync-wave: \"-1\"}\nspec: {storageClassName: wffc}\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {pool: general}\n  containers: [{name: c, image: x:1, resources: {requests: {cpu: 1m, memory: 1Mi}}}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n";
    assert_eq!(
        rules(&input(vec![app("a", &[sc, pvc, pod])], false)),
        vec![rule::WAVE_DEADLOCK]
    );
    // The class may come from the inventory instead of a rendered StorageClass.
    let mut i = input(vec![app("a", &[pvc, pod])], false);
    assert!(rules(&i).is_empty(), "unknown class: no finding");
    let inv = format!(
        "{INVENTORY}storageClasses:\n  - {{name: wffc, volumeBindingMode: WaitForFirstConsumer}}\n"
    );
    i.environments[0].inventory = Some(Inventory::parse("nodes.yaml", &inv).unwrap());
    assert_eq!(rules(&i), vec![rule::WAVE_DEADLOCK]);
    let immediate = sc.replace("WaitForFirstConsumer", "Immediate");
    assert!(rules(&input(vec![app("a", &[&immediate, pvc, pod])], false)).is_empty());
}

#[test]
fn helm_pitfalls() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: \ndata:\n  GAS: \"1.1155111e+07\"\n  RATIO: \"1.5e-3\"\n";
    let r = check(&input(vec![app("a", &[cm])], false));
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.location.as_ref().unwrap().line))
        .collect();
    assert_eq!(
        got,
        vec![(rule::EMPTY_VALUE, Some(5)), (rule::EXPONENT, Some(7))]
    );
}

#[test]
fn removed_and_deprecated_apis() {
    let pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n";
    assert_eq!(
        rules(&input(vec![app("a", &[pdb])], false)),
        vec![rule::API_REMOVED]
    );
    let mut old = input(vec![app("a", &[pdb])], false);
    old.kube_version = Some((1, 22));
    assert_eq!(rules(&old), vec![rule::API_DEPRECATED]);
    let v1 = pdb.replace("policy/v1beta1", "policy/v1");
    assert!(rules(&input(vec![app("a", &[&v1])], false)).is_empty());
}

#[test]
fn bad_input_is_a_finding_not_a_panic() {
    let r = check(&input(
        vec![app(
            "a",
            &[
                "a: [1, 2\n",
                "kind: Pod\nspec: {containers: [{resources: {requests: {cpu: lots}}}]}\n",
            ],
        )],
        false,
    ));
    let got: Vec<_> = r.findings.iter().map(|f| f.rule).collect();
    assert!(
        got.contains(&rule::PARSE) && got.contains(&rule::BAD_QUANTITY),
        "{got:?}"
    );
    let sarif = capstan_check::render_sarif(&r);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn schemas_of_the_target_version() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: many\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      nodeSelector: {pool: general}\n      containers:\n        - name: c\n          image: x:1\n          imagePullPolicy: Sometimes\n          resources: {requests: {cpu: 1m, memory: 1Mi}}\n          livenessProbe: {tcpSocket: {port: 80}, initialDelay: 3}\n";
    let r = check(&input(vec![app("a", &[deploy])], false));
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.location.as_ref().and_then(|l| l.line)))
        .collect();
    assert_eq!(
        got,
        vec![(rule::SCHEMA, Some(5)), (rule::UNKNOWN_FIELD, Some(16))],
        "{:#?}",
        r.findings
    );
    assert!(r.findings[1].message.contains("initialDelay"));
    // Near miss: the same Deployment, valid.
    let ok = deploy
        .replace("replicas: many", "replicas: 2")
        .replace(", initialDelay: 3", "");
    assert!(
        check(&input(vec![app("a", &[&ok])], false))
            .findings
            .is_empty()
    );
}

#[test]
fn crds_in_the_input_validate_their_kinds_and_the_rest_is_reported() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              required: [size]\n              properties:\n                size: {type: integer}\n                port: {x-kubernetes-int-or-string: true}\n                note: {type: string, nullable: true}\n";
    let good = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3, port: http, note: null}\n";
    let bad = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {sise: 3}\n";
    let other = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n";
    let r = check(&input(vec![app("a", &[crd, good, bad, other])], false));
    let got: Vec<_> = r.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        got,
        vec![rule::SCHEMA, rule::UNKNOWN_FIELD, rule::NOT_VALIDATED],
        "{:#?}",
        r.findings
    );
    assert!(r.findings[2].message.contains("example.com/v1 Gadget"));
    assert_eq!(r.findings[2].severity, capstan_check::Severity::Info);
}

#[test]
fn shipped_schema_versions() {
    let v = capstan_check::schema_versions();
    assert!(
        v.contains(&"1.30".to_string()) && v.contains(&"1.35".to_string()),
        "{v:?}"
    );
    // Every API the table says is removed by 1.30 is absent from the shipped schemas.
    let pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n";
    let r = check(&input(vec![app("a", &[pdb])], false));
    assert!(r.findings.iter().any(|f| f.rule == rule::NOT_VALIDATED));
    // A version without shipped schemas is a warning, not a silent pass.
    let mut i = input(
        vec![app("a", &[pdb.replace("v1beta1", "v1").as_str()])],
        false,
    );
    i.kube_version = Some((1, 29));
    let r = check(&i);
    assert!(
        r.findings.iter().any(
            |f| f.rule == rule::NOT_VALIDATED && f.severity == capstan_check::Severity::Warning
        ),
        "{:#?}",
        r.findings
    );
}

#[test]
fn hostile_yaml_is_refused_quickly() {
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let mut a = app("a", &[deep.as_str(), bomb.as_str()]);
    a.values_files.push(ValuesFile {
        path: "v.yaml".into(),
        text: bomb.clone(),
    });
    let r = check(&input(vec![a], false));
    let parse = r.findings.iter().filter(|f| f.rule == rule::PARSE).count();
    assert_eq!(parse, 3, "{:#?}", r.findings);
}

#[test]
fn bad_quantities() {
    for bad in ["cpu: lots", "cpu: 1e3m", "cpu: 1.2.3"] {
        let p = POD.replace("IMAGE", "nginx:1").replace("cpu: 100m", bad);
        assert!(
            rules(&input(vec![app("a", &[&p])], false)).contains(&rule::BAD_QUANTITY),
            "{bad}"
        );
    }
    let p = POD
        .replace("IMAGE", "nginx:1")
        .replace("memory: 64Mi", "memory: 1Gb");
    assert!(rules(&input(vec![app("a", &[&p])], false)).contains(&rule::BAD_QUANTITY));
    // Near miss: every spelling Kubernetes accepts.
    for q in ["cpu: 1.5", "cpu: \"2\"", "cpu: 1500m", "cpu: 1e-1"] {
        let ok = POD
            .replace("IMAGE", "nginx:1")
            .replace("cpu: 100m", q)
            .replace("memory: 64Mi", "memory: 128974848");
        assert!(
            rules(&input(vec![app("a", &[&ok])], false)).is_empty(),
            "{q}"
        );
    }
}

#[test]
fn capacity_counts_cpu_and_memory_of_the_pods_that_can_only_land_on_a_node() {
    let pod = |name: &str, mem: &str| {
        POD.replace("IMAGE", "nginx:1")
            .replace("name: web}", &format!("name: {name}}}"))
            .replace("memory: 64Mi", &format!("memory: {mem}"))
    };
    let i = input(
        vec![app("a", &[&pod("p1", "8Gi"), &pod("p2", "8Gi")])],
        false,
    );
    let r = check(&i);
    let cap: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == rule::CAPACITY)
        .collect();
    assert_eq!(cap.len(), 1, "{:#?}", r.findings);
    assert!(
        cap[0].message.contains("memory requests 16Gi of 12Gi"),
        "{}",
        cap[0].message
    );
    // Near miss: both fit.
    let i = input(
        vec![app("a", &[&pod("p1", "6Gi"), &pod("p2", "6Gi")])],
        false,
    );
    assert!(rules(&i).is_empty(), "{:?}", rules(&i));
}

#[test]
fn an_environment_without_inventory_is_reported_when_it_has_pods() {
    let pod = POD.replace("IMAGE", "nginx:1");
    let mut i = input(vec![app("a", &[&pod])], false);
    i.environments[0].inventory = None;
    assert_eq!(rules(&i), vec![rule::INVENTORY]);
    // Near miss: nothing to place.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    let mut i = input(vec![app("a", &[cm])], false);
    i.environments[0].inventory = None;
    assert!(rules(&i).is_empty());
}

#[test]
fn namespaces_of_the_destination_pass() {
    let same = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n";
    assert!(rules(&input(vec![app("a", &[same])], false)).is_empty());
    // Cluster-scoped kinds have no namespace to differ.
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n";
    assert!(rules(&input(vec![app("a", &[ns])], false)).is_empty());
    let other = same.replace("namespace: ns", "namespace: other");
    assert_eq!(
        rules(&input(vec![app("a", &[&other])], false)),
        vec![rule::NAMESPACE]
    );
}

#[test]
fn helm_pitfalls_near_misses() {
    let cm = |data: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n{data}")
    };
    // Triggers: <no value> and a Go fmt error printed into the output.
    for bad in ["  A: \"<no value>\"\n", "  A: \"%!d(string=x)\"\n"] {
        assert_eq!(
            rules(&input(vec![app("a", &[&cm(bad)])], false)),
            vec![rule::EMPTY_VALUE],
            "{bad}"
        );
    }
    // Near misses: an empty value where empty is fine, integers and
    // fractions written out, a version string.
    let ok = cm(
        "  NOTE: \"\"\n  GAS: \"11155111\"\n  RATIO: \"1.5e-3\"\n  V: 1.2.3e4\n  PCT: \"99.5\"\n",
    );
    let r = rules(&input(vec![app("a", &[&ok])], false));
    assert!(
        r.is_empty(),
        "{r:?} {:#?}",
        check(&input(vec![app("a", &[&ok])], false)).findings
    );
}

#[test]
fn enclave_slots_are_capacity_too() {
    let e = |name: &str| {
        enclave(name, "1Gi", "      nodeName: sgx-a").replace(
            "sgx.intel.com/enclave: \"1\"",
            "sgx.intel.com/enclave: \"60\"",
        )
    };
    let r = check(&input(
        vec![app("a", &[&e("e1")]), app("b", &[&e("e2")])],
        false,
    ));
    assert!(
        r.findings.iter().any(|f| f.rule == rule::CAPACITY
            && f.message
                .contains("sgx.intel.com/enclave requests 120 of 110")),
        "{:#?}",
        r.findings
    );
}
