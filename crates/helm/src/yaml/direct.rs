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
    check_depth, check_v2_keys, check_v2_value, go_order, string_style, v2_scalar, v2_stand_in,
};
use super::emit::{Ctx, Emitter, Flavor};
use super::error::YamlError;
use super::scalar::Schema;

/// `yaml.Marshal` of sigs.k8s.io/yaml: the document with its final newline.
pub(crate) fn marshal_v2(v: &Value) -> Result<String, YamlError> {
    check_v2_value(v)?;
    let mut w = Walk {
        e: Emitter::new(Flavor::V2, crate::budget::default_cap()),
        scratch: String::new(),
    };
    w.value(v, 0, Ctx::ROOT)?;
    w.e.finish()
}

struct Walk {
    e: Emitter,
    /// Text made for one scalar at a time (numbers, base64), reused.
    scratch: String,
}

impl Walk {
    /// Writes `v` (checking it whole even once nothing more is written).
    fn value(&mut self, v: &Value, depth: usize, ctx: Ctx) -> Result<(), YamlError> {
        check_depth(depth)?;
        if let Some(stand_in) = v2_stand_in(v)? {
            return self.value(&stand_in, depth + 1, ctx);
        }
        let live = self.e.starts_node();
        match v {
            Value::List(items) => {
                if items.is_empty() {
                    if live {
                        self.e.empty_seq();
                    }
                    return Ok(());
                }
                let saved = live.then(|| self.e.begin_seq(ctx));
                for item in items.iter() {
                    if live {
                        self.e.seq_item();
                    }
                    self.value(item, depth + 1, Ctx::ITEM)?;
                }
                if let Some(saved) = saved {
                    self.e.end(saved);
                }
            }
            // Read in place (no snapshot: a frozen map shared by two
            // threads is then read without touching its counters).
            Value::Map(m) => m.read(|map| -> Result<(), YamlError> {
                let in_go_order = check_v2_keys(map.keys())?;
                if map.is_empty() {
                    if live {
                        self.e.empty_map();
                    }
                    return Ok(());
                }
                let saved = live.then(|| self.e.begin_map());
                if in_go_order {
                    for (k, v) in map.iter() {
                        self.entry(k, v, depth, live)?;
                    }
                } else {
                    for (k, v) in go_order(map, Schema::V2) {
                        self.entry(k, v, depth, live)?;
                    }
                }
                if let Some(saved) = saved {
                    self.e.end(saved);
                }
                Ok(())
            })?,
            scalar => {
                let (text, style) = v2_scalar(scalar, &mut self.scratch)?;
                if live {
                    self.e.scalar(text, style, ctx);
                }
            }
        }
        Ok(())
    }

    /// One entry of a map at `depth`.
    fn entry(&mut self, k: &str, v: &Value, depth: usize, live: bool) -> Result<(), YamlError> {
        if live {
            self.e.map_key(k, string_style(k, Schema::V2));
        }
        self.value(v, depth + 1, Ctx::VALUE)
    }
}
