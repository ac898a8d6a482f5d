//! The projection compiled for the readers' hot loops.
//!
//! A [`Projection`] is keyed by owned strings; readers look names up by the
//! bytes of a line, millions of times. [`Plan`] numbers every attribute the
//! readers must look at (kept by the projection or declared by the schema)
//! with a dense key id, indexes types by name bytes, and resolves each type's
//! declared fields to key ids once, so that building an [`Event`] from a
//! parsed line compares small integers only.

use super::convert::{typed, untyped, Raw};
use super::event::{Event, FieldKind, Loc, Projection, Sym, OTHER};
use super::failure::LineError;
use super::json_scan::{fingerprint, Print};
use super::seen::Met;
use crate::time::Micros;
use crate::value::Val;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::sync::Mutex;

/// Up to this many names, lookups scan a list instead of hashing.
const LINEAR: usize = 16;

/// Byte-string keyed lookup: a scan comparing fingerprints for a few
/// names, a hash map for more.
#[derive(Debug)]
struct Lookup<V> {
    entries: Vec<(Box<[u8]>, V)>,
    prints: Vec<Print>,
    map: FxHashMap<Box<[u8]>, usize>,
}

impl<V> Default for Lookup<V> {
    fn default() -> Self {
        Lookup { entries: Vec::new(), prints: Vec::new(), map: FxHashMap::default() }
    }
}

impl<V> Lookup<V> {
    fn insert(&mut self, name: &[u8], value: V) -> usize {
        if let Some(i) = self.index(name) {
            return i;
        }
        self.entries.push((name.into(), value));
        self.prints.push(fingerprint(name));
        let i = self.entries.len() - 1;
        self.map.insert(name.into(), i);
        i
    }

    #[inline]
    fn index(&self, name: &[u8]) -> Option<usize> {
        self.index_by_print(name, fingerprint(name))
    }

    /// The index of `name`, whose fingerprint is `print`.
    #[inline]
    fn index_by_print(&self, name: &[u8], print: Print) -> Option<usize> {
        if self.entries.len() > LINEAR {
            return self.map.get(name).copied();
        }
        if print.0 <= 16 {
            // Equal prints of names up to sixteen bytes are equal names.
            self.prints.iter().position(|p| *p == print)
        } else {
            self.prints.iter().zip(&self.entries).position(|(p, (n, _))| *p == print && **n == *name)
        }
    }

    #[inline]
    fn get(&self, name: &[u8]) -> Option<&V> {
        self.index(name).and_then(|i| self.entries.get(i)).map(|(_, v)| v)
    }
}

/// What a reader knows about an event type.
#[derive(Debug)]
pub(crate) struct TypeInfo<'p> {
    /// The type's symbol, or [`OTHER`] when the policy does not use it.
    pub sym: Sym,
    /// Declared fields by key id.
    fields: Vec<(u32, &'p FieldKind)>,
}

impl TypeInfo<'_> {
    /// Whether events of this type keep or check any attribute.
    #[inline]
    pub fn looks_at_attributes(&self) -> bool {
        self.sym != OTHER || !self.fields.is_empty()
    }
}

/// An attribute of a line waiting for its type to be known.
#[derive(Debug)]
pub(crate) struct Pending<'a> {
    /// The key id.
    pub kid: u32,
    /// The value.
    pub raw: Raw<'a>,
    /// Byte offset of the value in the line.
    pub at: usize,
}

/// The projection compiled for reading.
#[derive(Debug)]
pub(crate) struct Plan<'p> {
    /// Attribute names by key id, with the symbol when the policy keeps it.
    keys: Lookup<Option<Sym>>,
    types: Lookup<TypeInfo<'p>>,
    /// The types every reader thread met (each adds its own once, when it
    /// is done).
    met: Mutex<Met>,
}

impl<'p> Plan<'p> {
    /// Compiles a projection.
    pub fn new(proj: &'p Projection) -> Self {
        let mut keys = Lookup::default();
        let mut names: Vec<(&str, Sym)> = proj.keys.iter().map(|(k, &s)| (&**k, s)).collect();
        names.sort_unstable();
        for (name, sym) in names {
            keys.insert(name.as_bytes(), Some(sym));
        }
        let mut schema: Vec<(&str, &str, &FieldKind)> = proj.schema.iter().map(|((t, k), f)| (&**t, &**k, f)).collect();
        schema.sort_unstable_by_key(|&(t, k, _)| (t, k));
        let mut types = Lookup::default();
        let mut type_names: Vec<(&str, Sym)> = proj.types.iter().map(|(t, &s)| (&**t, s)).collect();
        type_names.sort_unstable();
        for (name, sym) in type_names {
            types.insert(name.as_bytes(), TypeInfo { sym, fields: vec![] });
        }
        for (t, k, kind) in schema {
            let kid = keys.insert(k.as_bytes(), None) as u32;
            let ti = types.insert(t.as_bytes(), TypeInfo { sym: OTHER, fields: vec![] });
            if let Some((_, info)) = types.entries.get_mut(ti) {
                info.fields.push((kid, kind));
            }
        }
        Plan { keys, types, met: Mutex::default() }
    }

    /// The key id of an attribute name the readers must look at.
    #[inline]
    pub fn key(&self, name: &[u8]) -> Option<u32> {
        self.keys.index(name).map(|i| i as u32)
    }

    /// [`Plan::key`] of a name whose fingerprint is known.
    #[inline]
    pub fn key_by_print(&self, name: &[u8], print: Print) -> Option<u32> {
        self.keys.index_by_print(name, print).map(|i| i as u32)
    }

    /// The name of a key id.
    pub fn key_name(&self, kid: u32) -> String {
        self.keys.entries.get(kid as usize).map_or_else(String::new, |(n, _)| String::from_utf8_lossy(n).into_owned())
    }

    /// Every attribute the readers must look at: key id and name.
    #[cfg(feature = "parquet")]
    pub fn key_names(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.keys.entries.iter().enumerate().map(|(i, (n, _))| (i as u32, std::str::from_utf8(n).unwrap_or("")))
    }

    /// The declared kinds of attribute `kid`: event type name and kind.
    #[cfg(feature = "parquet")]
    pub fn declared(&self, kid: u32) -> Vec<(String, &'p FieldKind)> {
        let mut out = Vec::new();
        for (name, info) in &self.types.entries {
            for (k, kind) in &info.fields {
                if *k == kid {
                    out.push((String::from_utf8_lossy(name).into_owned(), *kind));
                }
            }
        }
        out
    }

    /// What is known about an event type (None: neither used nor declared).
    #[inline]
    pub fn type_info(&self, name: &[u8]) -> Option<&TypeInfo<'p>> {
        self.types.get(name)
    }

    /// [`Plan::type_info`], noting the type in `met`: by symbol when the
    /// policy uses it, by name when it neither uses nor declares it.
    #[inline]
    pub fn type_info_noting(&self, name: &[u8], met: &mut Met) -> Option<&TypeInfo<'p>> {
        let info = self.type_info(name);
        match info {
            Some(t) => met.named.insert(t.sym),
            None => met.unnamed.note(name),
        }
        info
    }

    /// Adds the types a reader thread met to those of the read.
    pub fn absorb(&self, met: Met) {
        // A thread that panicked while holding the lock left whole records.
        self.met.lock().unwrap_or_else(std::sync::PoisonError::into_inner).absorb(met);
    }

    /// The types every reader thread met.
    pub fn take_met(&self) -> Met {
        std::mem::take(&mut *self.met.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// What becomes of attribute `kid` in an event of type `ty`: the symbol
    /// it is kept under, if kept, and its declared kind, if declared.
    #[inline]
    pub fn slot(&self, kid: u32, ty: Option<&TypeInfo<'p>>) -> (Option<Sym>, Option<&'p FieldKind>) {
        let Some(ty) = ty else { return (None, None) };
        let sym = if ty.sym == OTHER { None } else { self.keys.entries.get(kid as usize).and_then(|(_, s)| *s) };
        (sym, ty.fields.iter().find(|(k, _)| *k == kid).map(|(_, f)| *f))
    }

    /// Builds the event from its time, type and the attributes seen, and
    /// pushes it to `out`: declared attributes are checked, kept ones
    /// converted, others dropped.
    #[inline]
    pub fn finish(
        &self,
        time: Micros,
        ty: Option<&TypeInfo<'p>>,
        pending: &mut SmallVec<[Pending<'_>; 8]>,
        loc: Loc,
        out: &mut Vec<Event>,
    ) -> Result<(), LineError> {
        // Built in place: an event is large, and moving it costs.
        out.push(Event { time, kind: ty.map_or(OTHER, |t| t.sym), attrs: SmallVec::new(), loc });
        for p in pending.drain(..) {
            let (sym, declared) = self.slot(p.kid, ty);
            let val = match (declared, sym) {
                (Some(f), _) => typed(p.raw, f),
                (None, Some(_)) => untyped(p.raw),
                (None, None) => continue,
            };
            self.keep(out, p.kid, sym, val, p.at)?;
        }
        Ok(())
    }

    /// Adds a converted attribute to the last event of `out`, or, when the
    /// conversion failed, takes the event back and fails.
    #[inline]
    pub fn keep(
        &self,
        out: &mut Vec<Event>,
        kid: u32,
        sym: Option<Sym>,
        val: Result<Val, String>,
        at: usize,
    ) -> Result<(), LineError> {
        match (val, sym, out.last_mut()) {
            (Ok(val), Some(sym), Some(ev)) => ev.attrs.push((sym, val)),
            (Ok(_), _, _) => {}
            (Err(reason), _, _) => {
                out.pop();
                return Err(LineError::at(at, reason).field(self.key_name(kid)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn declared_but_unused_fields_are_checked_not_kept() {
        let mut proj = Projection::default();
        proj.add_type("a");
        let case = proj.add_key("case");
        proj.schema.insert(("a".into(), "n".into()), FieldKind::Int);
        proj.schema.insert(("b".into(), "n".into()), FieldKind::Int);
        let plan = Plan::new(&proj);
        let n = plan.key(b"n").unwrap_or(u32::MAX);
        let mut pending: SmallVec<[Pending<'_>; 8]> = SmallVec::new();
        pending.push(Pending { kid: n, raw: Raw::Num(Cow::Borrowed("3"), true), at: 5 });
        pending.push(Pending { kid: 0, raw: Raw::Str(Cow::Borrowed("C-1")), at: 9 });
        let mut out = vec![];
        plan.finish(0, plan.type_info(b"a"), &mut pending, Loc::default(), &mut out).unwrap();
        assert_eq!(out[0].attrs.to_vec(), vec![(case, Val::Str("C-1".into()))]);
        pending.push(Pending { kid: n, raw: Raw::Str(Cow::Borrowed("x")), at: 5 });
        let err = plan.finish(0, plan.type_info(b"b"), &mut pending, Loc::default(), &mut out).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("n"));
        assert_eq!(plan.type_info(b"b").map(|t| t.sym), Some(OTHER));
    }
}
