//! Guarding shared maps while templates execute side by side.
//!
//! Templates of one chart communicate only through maps they all reach
//! (`.Values` and the other built-in objects): a template that changes one
//! (`set`, `unset`, `merge`) changes what the templates after it see. An
//! embedder that executes several templates at once (Helm renders them one
//! after the other) first [freezes](crate::MapRef::freeze) every map they
//! share, then executes each under [`guarded`]: there, a write to a frozen
//! map through [`crate::MapRef::try_update`] is refused and recorded, and
//! the embedder executes the templates again one after the other, where
//! the write takes place as in Go. Maps a template makes itself (`dict`,
//! `deepCopy`, decoded YAML) are its own and never frozen.

use std::cell::Cell;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static REFUSED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with writes to frozen maps refused on this thread; returns its
/// result and whether a write was refused.
pub fn guarded<R>(f: impl FnOnce() -> R) -> (R, bool) {
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let was_refused = REFUSED.with(|r| r.replace(false));
    let result = f();
    GUARDED.with(|g| g.set(was_guarded));
    let refused = REFUSED.with(|r| r.replace(was_refused));
    (result, refused)
}

/// Whether a write to a frozen map must be refused here; records it.
pub(crate) fn refuse_shared_write() -> bool {
    let guarded = GUARDED.with(Cell::get);
    if guarded {
        REFUSED.with(|r| r.set(true));
    }
    guarded
}
