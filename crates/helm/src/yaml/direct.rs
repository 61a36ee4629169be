//! `toYaml` written straight from the value.
//!
//! The text is what go-yaml v2 prints for the JSON of the value (see
//! [`super::convert`] for the conversions and [`super::emit`] for the
//! layout), but no node tree is built: the walk asks `convert` for each
//! scalar's text and style and hands it to the emitter, borrowing strings
//! and keys from the value. Map keys are sorted only when go-yaml's order
//! can differ from the map's own (byte) order.
//!
//! Errors are those of the tree: the checks run in the same order, and once
//! the text passes the output cap the walk goes on checking without
//! writing, so a conversion error anywhere still wins over the limit.

use capstan_gotmpl::Value;

use super::convert::{
    byte_order_is_go_order, check_depth, check_v2_keys, check_v2_value, go_order, string_style,
    v2_scalar,
};
use super::emit::{Ctx, Emitter, Flavor};
use super::error::YamlError;
use super::scalar::Schema;

/// `yaml.Marshal` of sigs.k8s.io/yaml: the document with its final newline.
pub(crate) fn marshal_v2(v: &Value) -> Result<String, YamlError> {
    check_v2_value(v)?;
    let mut e = Emitter::new(Flavor::V2, crate::budget::default_cap());
    value(&mut e, v, 0, Ctx::ROOT)?;
    e.finish()
}

/// Writes `v` (checking it whole even once nothing more is written).
fn value(e: &mut Emitter, v: &Value, depth: usize, ctx: Ctx) -> Result<(), YamlError> {
    check_depth(depth)?;
    let live = e.starts_node();
    match v {
        Value::List(items) => {
            if items.is_empty() {
                if live {
                    e.empty_seq();
                }
                return Ok(());
            }
            let saved = live.then(|| e.begin_seq(ctx));
            for item in items.iter() {
                if live {
                    e.seq_item();
                }
                value(e, item, depth + 1, Ctx::ITEM)?;
            }
            if let Some(saved) = saved {
                e.end(saved);
            }
        }
        Value::Map(m) => {
            let map = m.snapshot();
            check_v2_keys(map.keys())?;
            if map.is_empty() {
                if live {
                    e.empty_map();
                }
                return Ok(());
            }
            let saved = live.then(|| e.begin_map());
            let entry = |e: &mut Emitter, k: &str, v: &Value| {
                if live {
                    e.map_key(k, string_style(k, Schema::V2));
                }
                value(e, v, depth + 1, Ctx::VALUE)
            };
            if byte_order_is_go_order(map.keys()) {
                for (k, v) in map.iter() {
                    entry(e, k, v)?;
                }
            } else {
                for (k, v) in go_order(&map, Schema::V2) {
                    entry(e, k, v)?;
                }
            }
            if let Some(saved) = saved {
                e.end(saved);
            }
        }
        scalar => {
            let (text, style) = v2_scalar(scalar)?;
            if live {
                e.scalar(&text, style, ctx);
            }
        }
    }
    Ok(())
}
