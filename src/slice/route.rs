//! Routing events to slices: a stable hash of the normalised key.
//!
//! The hash is 64-bit FNV-1a over the bytes of the key as the engine
//! normalises it (`eval::keys`: `42` and `"42"` are one key), so
//! a key lands in the same slice on every run, on every platform and in
//! every process (a worker on another machine too); std's `RandomState`
//! would not.

use super::plan::{Plan, Route};
use crate::eval::keys::key_of;
use crate::log::Event;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
}

/// The slice, of `slices`, of a normalised key.
pub fn slice_of_key(key: &str, slices: usize) -> usize {
    let n = slices.max(1) as u64;
    // The remainder is below `slices`, so it fits.
    usize::try_from(fnv1a(key.as_bytes()) % n).unwrap_or(0)
}

/// Per slice: the events of a chunk routed to it, each as (index in the
/// chunk, groups it is routed for, one bit each).
pub type Routed = Vec<Vec<(u32, u64)>>;

/// Routes a chunk of events, the first of which is the log's event number
/// `first` (for [`Route::Spread`]), to `slices` slices.
pub fn route(plan: &Plan, slices: usize, events: &[Event], first: u64, out: &mut Routed) {
    let slices = slices.max(1);
    out.resize_with(slices, Vec::new);
    out.iter_mut().for_each(Vec::clear);
    // Groups per slice for the current event: a handful of slices at most
    // are touched, so a short list of (slice, mask) beats a full array.
    let mut masks: Vec<(usize, u64)> = Vec::with_capacity(4);
    for (i, e) in events.iter().enumerate() {
        masks.clear();
        for (group, route) in plan.routes(e.kind) {
            let bit = 1u64 << group;
            let mut mark = |s: usize| match masks.iter_mut().find(|(x, _)| *x == s) {
                Some((_, m)) => *m |= bit,
                None => masks.push((s, bit)),
            };
            match route {
                Route::Key(attrs) => {
                    let key = key_of(e, attrs.iter().copied());
                    mark(key.map_or(0, |k| slice_of_key(k.as_str(), slices)));
                }
                Route::Copy => (0..slices).for_each(&mut mark),
                Route::Spread => {
                    let n = first + i as u64;
                    mark(usize::try_from(n % slices as u64).unwrap_or(0));
                }
            }
        }
        let Ok(index) = u32::try_from(i) else { continue };
        for &(s, mask) in &masks {
            if let Some(list) = out.get_mut(s) {
                list.push((index, mask));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_and_stable() {
        // The published FNV-1a test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(slice_of_key("C-1", 1), 0);
        assert!(slice_of_key("C-1", 16) < 16);
    }
}
