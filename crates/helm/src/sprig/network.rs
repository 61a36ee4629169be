//! `getHostByName`. Helm v4 replaces Sprig's DNS lookup with a function
//! that returns "" unless `--enable-dns` is given; rendering here never
//! touches the network, so the function is always Helm's disabled form
//! (verified against real Helm: `getHostByName "localhost"` renders "").

use capstan_gotmpl::Value;

use super::{Registry, STR};

pub(super) fn register(r: &mut Registry) {
    r.fixed("getHostByName", &[STR], |_| Ok(Value::str("")));
}
