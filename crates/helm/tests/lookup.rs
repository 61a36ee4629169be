//! `lookup` answers from the client given in the render options: each
//! render gets its own client, although every render copies one template
//! set built once per process.

use std::sync::Arc;

use capstan_gotmpl::{Map, Value};
use capstan_helm::chart::{File, load_files};
use capstan_helm::render::{Lookup, RenderOptions, render};

#[derive(Debug)]
struct OneConfigMap(&'static str);

impl Lookup for OneConfigMap {
    fn lookup(&self, api: &str, kind: &str, ns: &str, name: &str) -> Result<Map, String> {
        if (api, kind, ns, name) == ("v1", "ConfigMap", "ns", "cm") {
            let mut data = Map::new();
            data.insert("answer".into(), Value::str(self.0));
            let mut m = Map::new();
            m.insert("data".into(), Value::map(data));
            Ok(m)
        } else if kind == "Broken" {
            Err("the cluster said no".into())
        } else {
            Ok(Map::new())
        }
    }
}

fn chart(template: &str) -> capstan_helm::chart::Chart {
    load_files(vec![
        File::new(
            "Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec(),
        ),
        File::new("templates/t.yaml", template.as_bytes().to_vec()),
    ])
    .expect("chart loads")
}

fn render_with(template: &str, lookup: Arc<dyn Lookup>) -> Result<String, String> {
    let mut opts = RenderOptions::new("r", "ns");
    opts.lookup = lookup;
    let out = render(&chart(template), &Map::new(), &opts).map_err(|e| e.message)?;
    Ok(out.get("c/templates/t.yaml").cloned().unwrap_or_default())
}

#[test]
fn each_render_asks_its_own_client() {
    let t = r#"{{ (lookup "v1" "ConfigMap" "ns" "cm").data.answer }}|{{ lookup "v1" "Secret" "ns" "x" }}"#;
    let a = render_with(t, Arc::new(OneConfigMap("first")));
    let b = render_with(t, Arc::new(OneConfigMap("second")));
    assert_eq!(a.as_deref(), Ok("first|map[]"));
    assert_eq!(b.as_deref(), Ok("second|map[]"));
}

#[test]
fn a_client_error_fails_the_render() {
    let t = r#"{{ lookup "v1" "Broken" "ns" "x" }}"#;
    let err = render_with(t, Arc::new(OneConfigMap("x"))).expect_err("fails");
    assert!(err.contains("the cluster said no"), "{err}");
}
