//! The registered functions of a set, and the hints the parser leaves on
//! each call's identifier so that a call finds its function without a
//! hash lookup.
//!
//! Go looks a function up by name at every call, in the set that executes
//! (a function registered after parsing is found, a replaced one runs its
//! new body). A [`FuncHint`] keeps that: it is only where the name was when
//! the text was parsed (its rank among the registered names, sorted, or the
//! built-in it named), and the executing set checks it before trusting it
//! (the name at that rank is the name called; no registered function hides
//! that built-in). A hint that fails the check costs the lookup it would
//! have cost anyway.

use std::collections::HashMap;
use std::sync::Arc;

use crate::builtins::Builtin;
use crate::func::Function;
use crate::namehash::NameHash;

/// Where the parser found an identifier's function. Opaque outside the
/// crate; trees built by hand use [`FuncHint::NONE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncHint(u32);

/// The hint's bit saying it names a built-in (the low bits say which).
const BUILTIN: u32 = 1 << 31;

impl FuncHint {
    /// No hint: the function is looked up by name.
    pub const NONE: FuncHint = FuncHint(u32::MAX);

    fn rank(rank: usize) -> FuncHint {
        match u32::try_from(rank) {
            Ok(r) if r < BUILTIN => FuncHint(r),
            _ => FuncHint::NONE,
        }
    }

    fn builtin(b: Builtin) -> FuncHint {
        FuncHint(BUILTIN | b as u32)
    }
}

/// What a function name resolves to in a set.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Named<'s> {
    Func(&'s Function),
    Builtin(Builtin),
}

/// Registered functions: sorted by name (ranks are what hints hold), with
/// a hash index for lookups by name.
#[derive(Debug, Default, Clone)]
pub(crate) struct FuncTable {
    sorted: Vec<(Arc<str>, Function)>,
    rank: HashMap<Arc<str>, usize, NameHash>,
    /// The built-ins a registered function of the same name hides, one bit
    /// each.
    hidden: u32,
}

impl FuncTable {
    /// Adds or replaces the function `name`. Ranks after it shift: this
    /// happens while a set is built, a few hundred times at most.
    pub(crate) fn insert(&mut self, name: &str, function: Function) {
        match self.sorted.binary_search_by(|(n, _)| (**n).cmp(name)) {
            Ok(at) => self.sorted[at].1 = function,
            Err(at) => {
                self.sorted.insert(at, (Arc::from(name), function));
                for (i, (n, _)) in self.sorted.iter().enumerate().skip(at) {
                    self.rank.insert(Arc::clone(n), i);
                }
            }
        }
        if let Some(b) = Builtin::lookup(name) {
            self.hidden |= 1 << (b as u32);
        }
    }

    /// The registered function `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Function> {
        let &at = self.rank.get(name)?;
        self.sorted.get(at).map(|(_, f)| f)
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.rank.contains_key(name)
    }

    /// The registered names.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.sorted.iter().map(|(n, _)| &**n)
    }

    /// The function `name` resolves to (registered first, as in Go),
    /// with the hint a parser leaves for it, and the name as the table
    /// holds it (the identifier shares it, so the check of a hint is a
    /// pointer comparison).
    pub(crate) fn resolve(&self, name: &str) -> Option<(FuncHint, Option<Arc<str>>)> {
        if let Some(&at) = self.rank.get(name) {
            let shared = self.sorted.get(at).map(|(n, _)| Arc::clone(n));
            return Some((FuncHint::rank(at), shared));
        }
        Builtin::lookup(name).map(|b| (FuncHint::builtin(b), None))
    }

    /// What `name` resolves to if `hint` still holds in this table.
    #[inline]
    pub(crate) fn hinted(&self, hint: FuncHint, name: &Arc<str>) -> Option<Named<'_>> {
        if hint.0 & BUILTIN == 0 {
            let (n, f) = self.sorted.get(hint.0 as usize)?;
            return (Arc::ptr_eq(n, name) || **n == **name).then_some(Named::Func(f));
        }
        if hint == FuncHint::NONE {
            return None;
        }
        let b = Builtin::from_index(hint.0 & !BUILTIN)?;
        (self.hidden & 1 << (b as u32) == 0).then_some(Named::Builtin(b))
    }

    /// What `name` resolves to, looked up.
    pub(crate) fn lookup(&self, name: &str) -> Option<Named<'_>> {
        match self.get(name) {
            Some(f) => Some(Named::Func(f)),
            None => Builtin::lookup(name).map(Named::Builtin),
        }
    }
}
