//! The node inventory of an environment (`environments/<env>/nodes.yaml`,
//! `kind: NodeInventory`): nodes with their labels, taints and allocatable
//! resources, what `kubectl get nodes -o json` reports.

use std::collections::BTreeMap;

use crate::quantity::Quantity;
use crate::yaml::{self, Node as Yaml};

/// An inventory that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct InventoryError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// The nodes of one environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    /// `metadata.name`: the environment.
    pub name: String,
    pub cluster: String,
    /// The file it was read from.
    pub file: String,
    pub nodes: Vec<InventoryNode>,
    /// Storage classes of the cluster (optional `storageClasses:` list of
    /// `{name, volumeBindingMode, default}`), for the wave dead-lock rule.
    pub storage_classes: Vec<StorageClass>,
}

/// A storage class the cluster has (not rendered by any app).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorageClass {
    pub name: String,
    /// `Immediate` or `WaitForFirstConsumer`.
    pub volume_binding_mode: String,
    pub default: bool,
}

/// One node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InventoryNode {
    pub name: String,
    pub pool: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub allocatable: BTreeMap<String, Quantity>,
    /// Line of the node's entry in the inventory file.
    pub line: u64,
}

/// A node taint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

impl InventoryNode {
    /// The node's hostname label, else its name.
    pub fn hostname(&self) -> &str {
        self.labels
            .get("kubernetes.io/hostname")
            .map_or(self.name.as_str(), String::as_str)
    }
}

impl Inventory {
    /// Reads a `NodeInventory` document.
    pub fn parse(file: &str, text: &str) -> Result<Inventory, InventoryError> {
        let err = |line: u64, message: String| InventoryError {
            file: file.to_string(),
            line,
            message,
        };
        let root = yaml::load(text)
            .map_err(|e| err(e.line, e.message))?
            .ok_or_else(|| err(1, "empty file".into()))?;
        let kind = root.str_at(&["kind"]).unwrap_or("");
        if kind != "NodeInventory" {
            return Err(err(
                root.line,
                format!("kind is {kind:?}, expected NodeInventory"),
            ));
        }
        let mut inv = Inventory {
            name: root.str_at(&["metadata", "name"]).unwrap_or("").to_string(),
            cluster: root
                .str_at(&["metadata", "cluster"])
                .unwrap_or("")
                .to_string(),
            file: file.to_string(),
            nodes: Vec::new(),
            storage_classes: Vec::new(),
        };
        for c in root
            .get("storageClasses")
            .map(Yaml::items)
            .unwrap_or_default()
        {
            inv.storage_classes.push(StorageClass {
                name: c.str_at(&["name"]).unwrap_or("").to_string(),
                volume_binding_mode: c
                    .str_at(&["volumeBindingMode"])
                    .unwrap_or("Immediate")
                    .to_string(),
                default: c.str_at(&["default"]) == Some("true"),
            });
        }
        let Some(nodes) = root.get("nodes") else {
            return Err(err(root.line, "no nodes: list".into()));
        };
        for n in nodes.items() {
            inv.nodes.push(parse_node(n).map_err(|(l, m)| err(l, m))?);
        }
        Ok(inv)
    }

    /// The node named `name` (or whose hostname label is `name`).
    pub fn node(&self, name: &str) -> Option<&InventoryNode> {
        self.nodes
            .iter()
            .find(|n| n.name == name || n.hostname() == name)
    }
}

fn parse_node(n: &Yaml) -> Result<InventoryNode, (u64, String)> {
    let name = n
        .str_at(&["name"])
        .ok_or((n.line, "node without a name".to_string()))?
        .to_string();
    let mut node = InventoryNode {
        name,
        pool: n.str_at(&["pool"]).unwrap_or("").to_string(),
        line: n.line,
        ..InventoryNode::default()
    };
    if let Some(l) = n.get("labels") {
        for (k, v) in l.string_map() {
            node.labels.insert(k.to_string(), v.to_string());
        }
    }
    if let Some(t) = n.get("taints") {
        for t in t.items() {
            node.taints.push(Taint {
                key: t.str_at(&["key"]).unwrap_or("").to_string(),
                value: t.str_at(&["value"]).unwrap_or("").to_string(),
                effect: t.str_at(&["effect"]).unwrap_or("").to_string(),
            });
        }
    }
    if let Some(a) = n.get("allocatable") {
        for (k, v) in a.entries() {
            let text = v.str().unwrap_or("");
            let q = Quantity::parse(text).ok_or((
                v.line,
                format!(
                    "node {}: allocatable {k}: {text:?} is not a quantity",
                    node.name
                ),
            ))?;
            node.allocatable.insert(k.clone(), q);
        }
    }
    Ok(node)
}
