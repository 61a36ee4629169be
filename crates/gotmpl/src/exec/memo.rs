//! The templates one execution has called by name (`template`, and Helm's
//! `include` through [`CallContext`](crate::CallContext)), so that a helper
//! included over and over is found without hashing its name each time.
//!
//! An execution borrows its set and its overlay for its whole life, so the
//! tree a name resolves to cannot change while it runs; the memo lives no
//! longer than the execution (a `tpl` text runs in an execution of its own,
//! with its own memo). The table is direct-mapped, each slot checked
//! against the name asked for: a miss costs one comparison more than the
//! lookup it falls back to, whatever names a chart chooses.

use crate::ast::Tree;

/// Slots of the table: a chart's helpers are a few dozen names.
const SLOTS: usize = 16;

pub(super) struct Memo<'s> {
    /// A slot holds the tree last found for a name of that slot.
    templates: [Option<&'s Tree>; SLOTS],
}

impl<'s> Memo<'s> {
    pub(super) fn new() -> Memo<'s> {
        Memo {
            templates: [None; SLOTS],
        }
    }

    /// A few bytes of the name, mixed: names of one chart mostly differ in
    /// length or in their last or middle byte.
    fn slot(name: &str) -> usize {
        let bytes = name.as_bytes();
        let Some(&last) = bytes.last() else {
            return 0;
        };
        let mixed = bytes.len() ^ usize::from(last) << 2 ^ usize::from(bytes[bytes.len() / 2]) << 4;
        (mixed ^ mixed >> 4) % SLOTS
    }

    /// The template called `name`, if this execution found it before.
    pub(super) fn template(&self, name: &str) -> Option<&'s Tree> {
        self.templates[Memo::slot(name)].filter(|t| &*t.name == name)
    }

    /// Remembers a template found by its name.
    pub(super) fn keep(&mut self, tree: &'s Tree) {
        self.templates[Memo::slot(&tree.name)] = Some(tree);
    }
}
