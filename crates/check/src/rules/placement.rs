//! Capacity and placement against an environment's node inventory.
//!
//! For every pod of every app of the environment: the nodes it may land on
//! (node name, node selector, required node affinity, taints against
//! tolerations, resources the node has at all). Pods pinned to one node
//! (and DaemonSet pods, on each node they match) are summed per node and
//! compared with what the node can allocate: that over-commitment is
//! certain, whatever the scheduler does. The remaining pods are then placed
//! first-fit, largest first, honouring required pod anti-affinity; a pod
//! that finds no room is reported too. Enclave containers must request SGX
//! resources, and the two enclaves of one Ten node must never share a
//! machine.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity, rule};
use crate::inventory::{Inventory, InventoryNode};
use crate::object::{LoadedApp, Object};
use crate::quantity::Quantity;
use crate::yaml::Node;

/// SGX resources of the Intel device plugin.
pub(crate) const SGX_EPC: &str = "sgx.intel.com/epc";
const SGX_RESOURCES: [&str; 3] = [SGX_EPC, "sgx.intel.com/enclave", "sgx.intel.com/provision"];
/// Resources every node has even when the inventory leaves them out.
const BASIC: [&str; 3] = ["cpu", "memory", "pods"];

/// One pod of a workload (replicas are separate pods).
#[derive(Debug)]
struct Pod<'a> {
    app: &'a LoadedApp<'a>,
    obj: &'a Object<'a>,
    replica: u64,
    spec: &'a Node,
    labels: Vec<(String, String)>,
    requests: BTreeMap<String, Quantity>,
    /// Requests SGX resources.
    sgx: bool,
    daemon: bool,
    /// Runs to completion (Jobs, hooks): checked for placement, not summed.
    transient: bool,
    eligible: Vec<usize>,
}

impl Pod<'_> {
    fn name(&self) -> String {
        let base = format!("{}/{}", self.obj.kind, self.obj.name);
        if self.obj.replicas() > 1 {
            format!("{base}#{}", self.replica)
        } else {
            base
        }
    }

    fn finding(&self, rule: &'static str, message: String) -> Finding {
        let line = self.spec.line;
        self.app.scope().finding(
            rule,
            Some(self.obj.resource()),
            Some(self.obj.location(line)),
            message,
        )
    }
}

/// Checks one environment's apps against its inventory.
pub(crate) fn check(
    environment: &str,
    inventory: Option<&Inventory>,
    apps: &[&LoadedApp<'_>],
    out: &mut Vec<Finding>,
) {
    let mut pods = Vec::new();
    for app in apps {
        for obj in &app.objects {
            collect_pods(app, obj, &mut pods, out);
        }
    }
    if pods.is_empty() {
        return;
    }
    let Some(inv) = inventory else {
        out.push(Finding {
            rule: rule::INVENTORY,
            severity: Severity::Warning,
            environment: environment.to_string(),
            app: String::new(),
            resource: None,
            location: None,
            message: format!(
                "no node inventory for environment {environment}: capacity and placement of {} pods not checked (environments/{environment}/nodes.yaml or --inventory)",
                pods.len()
            ),
            skipped: None,
        });
        return;
    };
    let mut schedulable = Vec::new();
    for mut pod in pods {
        if !eligibility(&mut pod, inv, out) {
            continue;
        }
        schedulable.push(pod);
    }
    pinned_capacity(environment, inv, &schedulable, out);
    ha_pairs(inv, &schedulable, out);
    first_fit(inv, &schedulable, out);
}

fn collect_pods<'a>(
    app: &'a LoadedApp<'a>,
    obj: &'a Object<'a>,
    pods: &mut Vec<Pod<'a>>,
    out: &mut Vec<Finding>,
) {
    let Some(spec) = obj.pod_spec() else { return };
    let (requests, sgx) = pod_requests(app, obj, spec, out);
    let daemon = obj.kind == "DaemonSet";
    let transient = obj.annotations.is_hook() || matches!(obj.kind.as_str(), "Job" | "CronJob");
    let count = if transient || daemon {
        1
    } else {
        obj.replicas()
    };
    for replica in 0..count {
        pods.push(Pod {
            app,
            obj,
            replica,
            spec,
            labels: obj.pod_labels(),
            requests: requests.clone(),
            sgx,
            daemon,
            transient,
            eligible: Vec::new(),
        });
    }
}

/// Quantities that did not parse: (resource, text, line).
pub(crate) type BadQuantities = Vec<(String, String, u64)>;

/// Effective requests of a container: requests, else limits (Kubernetes
/// defaults a missing request to its limit).
pub(crate) fn container_requests(c: &Node) -> (BTreeMap<String, Quantity>, BadQuantities) {
    let mut out = BTreeMap::new();
    let mut bad = Vec::new();
    for part in ["limits", "requests"] {
        if let Some(m) = c.at(&["resources", part]) {
            for (k, v) in m.entries() {
                let text = v.str().unwrap_or("");
                match Quantity::parse(text) {
                    Some(q) => {
                        out.insert(k.clone(), q);
                    }
                    None => bad.push((k.clone(), text.to_string(), v.line)),
                }
            }
        }
    }
    (out, bad)
}

/// Whether a container runs an SGX enclave, judged by its name and image
/// words (`enclave`, `edgelessdb`, `edb`), unless it runs in simulation.
pub(crate) fn is_enclave_container(c: &Node) -> bool {
    let simulated = c.get("env").is_some_and(|env| {
        env.items().iter().any(|e| {
            e.str_at(&["name"]) == Some("OE_SIMULATION") && e.str_at(&["value"]) == Some("1")
        })
    });
    if simulated {
        return false;
    }
    let image = c.str_at(&["image"]).unwrap_or("");
    // The repository path, without registry host and tag.
    let repo = image.split('@').next().unwrap_or("");
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let words = |s: &str| -> bool {
        s.to_ascii_lowercase()
            .split(|ch: char| !ch.is_ascii_alphanumeric())
            .any(|w| matches!(w, "enclave" | "edgelessdb" | "edb"))
    };
    words(c.str_at(&["name"]).unwrap_or("")) || words(repo.rsplit('/').next().unwrap_or(""))
}

fn pod_requests(
    app: &LoadedApp<'_>,
    obj: &Object<'_>,
    spec: &Node,
    out: &mut Vec<Finding>,
) -> (BTreeMap<String, Quantity>, bool) {
    let mut sum: BTreeMap<String, Quantity> = BTreeMap::new();
    let mut sgx = false;
    for c in spec.get("containers").map(Node::items).unwrap_or_default() {
        let (req, bad) = container_requests(c);
        report_bad(app, obj, &bad, out);
        let has_sgx = SGX_RESOURCES
            .iter()
            .any(|r| req.get(*r).is_some_and(|q| q.0 > 0));
        sgx |= has_sgx;
        if is_enclave_container(c) && req.get(SGX_EPC).is_none_or(|q| q.0 <= 0) {
            let name = c.str_at(&["name"]).unwrap_or("?");
            out.push(app.scope().finding(
                rule::SGX_REQUESTS,
                Some(obj.resource()),
                Some(obj.location(c.line)),
                format!(
                    "enclave container {name} requests no {SGX_EPC}: the scheduler does not reserve EPC for it (request sgx.intel.com/epc, enclave and provision)"
                ),
            ));
        }
        for (k, q) in req {
            sum.entry(k).or_default().0 += q.0;
        }
    }
    // Init containers run one at a time before the others: the pod needs the largest.
    for c in spec
        .get("initContainers")
        .map(Node::items)
        .unwrap_or_default()
    {
        let (req, bad) = container_requests(c);
        report_bad(app, obj, &bad, out);
        for (k, q) in req {
            let e = sum.entry(k).or_default();
            if q > *e {
                *e = q;
            }
        }
    }
    sum.insert("pods".into(), Quantity(1000));
    (sum, sgx)
}

fn report_bad(
    app: &LoadedApp<'_>,
    obj: &Object<'_>,
    bad: &[(String, String, u64)],
    out: &mut Vec<Finding>,
) {
    for (k, text, line) in bad {
        out.push(app.scope().finding(
            rule::BAD_QUANTITY,
            Some(obj.resource()),
            Some(obj.location(*line)),
            format!("{k}: {text:?} is not a Kubernetes quantity"),
        ));
    }
}

/// Fills `pod.eligible`; false (with a finding) when the pod cannot be
/// scheduled at all.
fn eligibility(pod: &mut Pod<'_>, inv: &Inventory, out: &mut Vec<Finding>) -> bool {
    let spec = pod.spec;
    // Pins to hosts that do not exist.
    let mut pinned_hosts: Vec<String> = Vec::new();
    if let Some(n) = spec.str_at(&["nodeName"]) {
        pinned_hosts.push(n.to_string());
    }
    if let Some(h) = spec.str_at(&["nodeSelector", "kubernetes.io/hostname"]) {
        pinned_hosts.push(h.to_string());
    }
    for term in required_node_terms(spec) {
        for e in term
            .get("matchExpressions")
            .map(Node::items)
            .unwrap_or_default()
        {
            if e.str_at(&["key"]) == Some("kubernetes.io/hostname")
                && e.str_at(&["operator"]) == Some("In")
            {
                let values: Vec<&str> = e
                    .get("values")
                    .map(|v| v.items().iter().filter_map(Node::str).collect())
                    .unwrap_or_default();
                if !values.is_empty() && values.iter().all(|v| inv.node(v).is_none()) {
                    pinned_hosts.push(values.join(","));
                }
            }
        }
    }
    let missing: Vec<&String> = pinned_hosts
        .iter()
        .filter(|h| h.split(',').all(|x| inv.node(x).is_none()))
        .collect();
    if let Some(h) = missing.first() {
        out.push(pod.finding(
            rule::UNKNOWN_NODE,
            format!(
                "{} is pinned to node {h}, which is not in the inventory of {} ({})",
                pod.name(),
                inv.name,
                inv.file
            ),
        ));
        return false;
    }
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (i, node) in inv.nodes.iter().enumerate() {
        match node_rejects(pod, node) {
            None => pod.eligible.push(i),
            Some(r) => *reasons.entry(r).or_default() += 1,
        }
    }
    if pod.eligible.is_empty() {
        let why: Vec<String> = reasons
            .iter()
            .map(|(r, n)| format!("{n} node(s): {r}"))
            .collect();
        out.push(pod.finding(
            rule::UNSCHEDULABLE,
            format!(
                "{} fits no node of {}: {}",
                pod.name(),
                inv.file,
                why.join("; ")
            ),
        ));
        return false;
    }
    true
}

fn required_node_terms(spec: &Node) -> &[Node] {
    spec.at(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ])
    .map(Node::items)
    .unwrap_or_default()
}

/// Why `node` cannot take `pod` (`None`: it can, capacity aside).
fn node_rejects(pod: &Pod<'_>, node: &InventoryNode) -> Option<String> {
    let spec = pod.spec;
    if let Some(n) = spec.str_at(&["nodeName"])
        && n != node.name
        && n != node.hostname()
    {
        return Some(format!("not node {n}"));
    }
    if let Some(sel) = spec.get("nodeSelector") {
        for (k, v) in sel.string_map() {
            if node.labels.get(k).map(String::as_str) != Some(v) {
                return Some(format!("no label {k}={v}"));
            }
        }
    }
    let terms = required_node_terms(spec);
    if !terms.is_empty() && !terms.iter().any(|t| term_matches(t, node)) {
        return Some("required node affinity does not match".into());
    }
    for t in &node.taints {
        if !matches!(t.effect.as_str(), "NoSchedule" | "NoExecute") {
            continue;
        }
        let tolerated = spec
            .get("tolerations")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|tol| tolerates(tol, t));
        if !tolerated {
            return Some(format!(
                "taint {}={}:{} not tolerated",
                t.key, t.value, t.effect
            ));
        }
    }
    for (r, q) in &pod.requests {
        if q.0 <= 0 {
            continue;
        }
        match node.allocatable.get(r) {
            Some(a) if a >= q => {}
            Some(a) => {
                return Some(format!(
                    "{r} {} requested, {} allocatable",
                    q.display(r),
                    a.display(r)
                ));
            }
            None if BASIC.contains(&r.as_str()) => {}
            None => return Some(format!("no {r}")),
        }
    }
    None
}

fn term_matches(term: &Node, node: &InventoryNode) -> bool {
    let exprs = term
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default();
    let fields = term.get("matchFields").map(Node::items).unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false; // an empty term matches nothing
    }
    exprs.iter().all(|e| {
        let key = e.str_at(&["key"]).unwrap_or("");
        expression_matches(e, node.labels.get(key).map(String::as_str))
    }) && fields.iter().all(|e| {
        let value = (e.str_at(&["key"]) == Some("metadata.name")).then_some(node.name.as_str());
        expression_matches(e, value)
    })
}

/// A node selector requirement against the value found (`None`: absent).
fn expression_matches(e: &Node, value: Option<&str>) -> bool {
    let values: Vec<&str> = e
        .get("values")
        .map(|v| v.items().iter().filter_map(Node::str).collect())
        .unwrap_or_default();
    let num = |s: &str| s.parse::<i64>().ok();
    match e.str_at(&["operator"]).unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

fn tolerates(tol: &Node, taint: &crate::inventory::Taint) -> bool {
    let effect = tol.str_at(&["effect"]).unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = tol.str_at(&["key"]).unwrap_or("");
    let op = tol.str_at(&["operator"]).unwrap_or("Equal");
    if key.is_empty() {
        return op == "Exists";
    }
    key == taint.key && (op == "Exists" || tol.str_at(&["value"]).unwrap_or("") == taint.value)
}

/// Sums the pods that can only land on one node (and DaemonSet pods) per node.
fn pinned_capacity(environment: &str, inv: &Inventory, pods: &[Pod<'_>], out: &mut Vec<Finding>) {
    let mut per_node: Vec<Vec<&Pod<'_>>> = vec![Vec::new(); inv.nodes.len()];
    for p in pods {
        if p.transient {
            continue;
        }
        if p.daemon {
            for &n in &p.eligible {
                per_node[n].push(p);
            }
        } else if p.eligible.len() == 1 {
            per_node[p.eligible[0]].push(p);
        }
    }
    for (i, node_pods) in per_node.iter().enumerate() {
        let node = &inv.nodes[i];
        let mut sums: BTreeMap<&str, Quantity> = BTreeMap::new();
        for p in node_pods {
            for (r, q) in &p.requests {
                sums.entry(r.as_str()).or_default().0 += q.0;
            }
        }
        for (r, total) in sums {
            let Some(alloc) = node.allocatable.get(r) else {
                continue;
            };
            if total <= *alloc {
                continue;
            }
            let who: Vec<String> = node_pods
                .iter()
                .filter(|p| p.requests.get(r).is_some_and(|q| q.0 > 0))
                .map(|p| {
                    format!(
                        "{}: {} {}",
                        p.app.app.name,
                        p.name(),
                        p.requests.get(r).copied().unwrap_or_default().display(r)
                    )
                })
                .collect();
            out.push(Finding {
                rule: rule::CAPACITY,
                severity: Severity::Error,
                environment: environment.to_string(),
                app: String::new(),
                resource: Some(format!("Node {}", node.name)),
                location: Some(crate::finding::Location {
                    file: inv.file.clone(),
                    line: Some(node.line),
                    rendered: false,
                }),
                message: format!(
                    "node {} is over-committed: {r} requests {} of {} allocatable, by pods that can only land there ({})",
                    node.name,
                    total.display(r),
                    alloc.display(r),
                    who.join(", ")
                ),
                skipped: None,
            });
        }
    }
}

/// Required pod anti-affinity terms of a pod: (selector, topology key).
fn anti_terms(spec: &Node) -> &[Node] {
    spec.at(&[
        "affinity",
        "podAntiAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
    ])
    .map(Node::items)
    .unwrap_or_default()
}

fn selector_matches(selector: Option<&Node>, labels: &[(String, String)]) -> bool {
    let Some(sel) = selector else { return false };
    let get = |k: &str| labels.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
    let ml = sel
        .get("matchLabels")
        .map(|m| m.string_map())
        .unwrap_or_default();
    let exprs = sel
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default();
    ml.iter().all(|(k, v)| get(k) == Some(*v))
        && exprs
            .iter()
            .all(|e| expression_matches(e, get(e.str_at(&["key"]).unwrap_or(""))))
}

/// Whether `a`'s required anti-affinity keeps `b` out of a topology domain
/// it shares with `a`: the topology keys under which they must differ.
fn repels<'n>(a: &'n Pod<'_>, b: &Pod<'_>) -> Vec<&'n str> {
    let mut keys = Vec::new();
    for term in anti_terms(a.spec) {
        let namespaces: Vec<&str> = term
            .get("namespaces")
            .map(|n| n.items().iter().filter_map(Node::str).collect())
            .unwrap_or_default();
        let same_ns = if namespaces.is_empty() {
            a.obj.key.namespace == b.obj.key.namespace
        } else {
            namespaces.contains(&b.obj.key.namespace.as_str())
        };
        if same_ns && selector_matches(term.get("labelSelector"), &b.labels) {
            keys.push(term.str_at(&["topologyKey"]).unwrap_or(""));
        }
    }
    keys
}

/// Whether the two nodes share a domain of `key` (both carry it, same value).
fn same_domain(a: &InventoryNode, b: &InventoryNode, key: &str) -> bool {
    if key == "kubernetes.io/hostname" && a.name == b.name {
        return true;
    }
    matches!((a.labels.get(key), b.labels.get(key)), (Some(x), Some(y)) if x == y)
}

/// The enclaves of one Ten node (SGX pods of one app) must never share a machine.
fn ha_pairs(inv: &Inventory, pods: &[Pod<'_>], out: &mut Vec<Finding>) {
    let sgx: Vec<&Pod<'_>> = pods.iter().filter(|p| p.sgx && !p.transient).collect();
    for (i, a) in sgx.iter().enumerate() {
        for b in &sgx[i + 1..] {
            if a.app.app.name != b.app.app.name {
                continue;
            }
            if a.eligible.len() == 1 && a.eligible == b.eligible {
                let node = &inv.nodes[a.eligible[0]].name;
                out.push(a.finding(
                    rule::HA_SAME_NODE,
                    format!(
                        "enclaves {} and {} of {} can only land on the same node {node}: one machine failure stops both",
                        a.name(),
                        b.name(),
                        a.app.app.name
                    ),
                ));
                continue;
            }
            let keys: Vec<&str> = repels(a, b).into_iter().chain(repels(b, a)).collect();
            let shared = a.eligible.iter().any(|n| b.eligible.contains(n));
            if keys.is_empty() && shared {
                let mut f = a.finding(
                    rule::HA_SAME_NODE,
                    format!(
                        "enclaves {} and {} of {} have no required pod anti-affinity between them: the scheduler may put both on one machine",
                        a.name(),
                        b.name(),
                        a.app.app.name
                    ),
                );
                f.severity = Severity::Warning;
                out.push(f);
            }
        }
    }
}

/// Places every long-running pod first-fit (pinned ones first, then
/// largest CPU first) and reports those that find no room.
fn first_fit(inv: &Inventory, pods: &[Pod<'_>], out: &mut Vec<Finding>) {
    let mut order: Vec<&Pod<'_>> = pods.iter().filter(|p| !p.transient && !p.daemon).collect();
    let cpu = |p: &Pod<'_>| p.requests.get("cpu").copied().unwrap_or_default();
    order.sort_by(|a, b| {
        (a.eligible.len() != 1)
            .cmp(&(b.eligible.len() != 1))
            .then(cpu(b).cmp(&cpu(a)))
    });
    let mut free: Vec<BTreeMap<String, Quantity>> =
        inv.nodes.iter().map(|n| n.allocatable.clone()).collect();
    // DaemonSet pods take their share of every node they match.
    for p in pods.iter().filter(|p| p.daemon && !p.transient) {
        for &n in &p.eligible {
            for (r, q) in &p.requests {
                if let Some(f) = free[n].get_mut(r) {
                    f.0 -= q.0;
                }
            }
        }
    }
    let mut placed: Vec<(&Pod<'_>, usize)> = Vec::new();
    for p in order {
        if p.eligible.len() == 1 {
            // Already summed by pinned_capacity; it goes there or nowhere.
            let n = p.eligible[0];
            take(&mut free[n], p);
            placed.push((p, n));
            continue;
        }
        let spot = p.eligible.iter().copied().find(|&n| {
            let room = p
                .requests
                .iter()
                .all(|(r, q)| free[n].get(r).is_none_or(|f| *f >= *q) || q.0 <= 0);
            room && placed.iter().all(|(q, m)| {
                let conflict = repels(p, q)
                    .into_iter()
                    .chain(repels(q, p))
                    .any(|k| same_domain(&inv.nodes[n], &inv.nodes[*m], k));
                !conflict
            })
        });
        match spot {
            Some(n) => {
                take(&mut free[n], p);
                placed.push((p, n));
            }
            None => out.push(p.finding(
                rule::CAPACITY,
                format!(
                    "{} finds no node with room in {} after the other pods of the environment are placed (first fit, largest first, required anti-affinity honoured); eligible: {}",
                    p.name(),
                    inv.file,
                    p.eligible
                        .iter()
                        .map(|&n| inv.nodes[n].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
}

fn take(free: &mut BTreeMap<String, Quantity>, p: &Pod<'_>) {
    for (r, q) in &p.requests {
        if let Some(f) = free.get_mut(r) {
            f.0 -= q.0;
        }
    }
}
