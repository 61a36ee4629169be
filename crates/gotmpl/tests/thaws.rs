//! `thaws()` counts frozen maps thawed by a write, once each: answers about
//! a frozen tree checked at one count hold while the count is unchanged.
//! One test in its own binary, so no other test thaws maps meanwhile.

use capstan_gotmpl::{Map, MapRef, Value, thaws};

#[test]
fn the_count_moves_once_per_frozen_map_written() {
    let plain = MapRef::new(Map::new());
    let frozen = MapRef::new(Map::from([("k".to_string(), Value::from("v"))]));
    frozen.freeze();
    let start = thaws();

    // Reads, and writes to maps never frozen, leave it.
    assert_eq!(frozen.get("k"), Some(Value::from("v")));
    plain.update(|m| m.insert("a".into(), Value::Nil));
    assert_eq!(thaws(), start);

    // The first write to a frozen map moves it; later writes to that map
    // do not (it is thawed for good); another frozen map moves it again.
    frozen.update(|m| m.insert("k".into(), Value::from("w")));
    assert_eq!(thaws(), start + 1);
    frozen.update(|m| m.insert("k".into(), Value::from("x")));
    assert_eq!(thaws(), start + 1);
    let other = MapRef::new(Map::new());
    other.freeze();
    other.update(|m| m.insert("b".into(), Value::Nil));
    assert_eq!(thaws(), start + 2);
}
