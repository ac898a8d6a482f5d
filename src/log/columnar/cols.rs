//! Arrow columns as the readers see them: which Arrow types a field of each
//! declared kind accepts, checked once per file, and a typed view of each
//! column of a batch, so that a cell is read by a match on a small enum
//! instead of a downcast per row.

use super::super::event::FieldKind;
use crate::time::Micros;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType,
    DurationSecondType, Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, BooleanArray, PrimitiveArray};
use arrow_schema::{DataType, TimeUnit};

/// What an Arrow type holds, as far as a log is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Str,
    Int,
    Float,
    Decimal,
    Bool,
    /// A timestamp with a time zone: an instant.
    Instant,
    /// A timestamp without a time zone: a wall-clock time.
    Naive,
    Date,
    Duration,
    /// Only nulls.
    Null,
}

/// The shape of an Arrow type, None when a log cell cannot hold it (lists,
/// structs, binary, ...).
pub(crate) fn shape(t: &DataType) -> Option<Shape> {
    Some(match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Shape::Str,
        DataType::Dictionary(_, v) if shape(v) == Some(Shape::Str) => Shape::Str,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => Shape::Int,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => Shape::Int,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Shape::Float,
        DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..) => Shape::Decimal,
        DataType::Boolean => Shape::Bool,
        DataType::Timestamp(_, Some(_)) => Shape::Instant,
        DataType::Timestamp(_, None) => Shape::Naive,
        DataType::Date32 | DataType::Date64 => Shape::Date,
        DataType::Duration(_) => Shape::Duration,
        DataType::Null => Shape::Null,
        _ => return None,
    })
}

/// Whether a column of `shape` can hold a field declared as `kind` (a
/// naive timestamp counts as a time: whether it may be read depends on
/// `--log-timezone`, checked apart).
pub(crate) fn accepts(kind: &FieldKind, shape: Shape) -> bool {
    use Shape::*;
    match kind {
        _ if shape == Null => true,
        FieldKind::Id => matches!(shape, Str | Int),
        FieldKind::Text => shape == Str,
        FieldKind::Int => shape == Int,
        FieldKind::Decimal => matches!(shape, Int | Float | Decimal),
        FieldKind::Money(_) => matches!(shape, Int | Float | Decimal | Str),
        FieldKind::Bool => shape == Bool,
        FieldKind::Duration => matches!(shape, Int | Float | Decimal | Duration),
        FieldKind::Time => matches!(shape, Instant | Naive | Str),
        FieldKind::Date => matches!(shape, Date | Str),
    }
}

/// The Arrow types a declared kind accepts, for messages.
pub(crate) fn expected_types(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Id => "a string or integer column",
        FieldKind::Text => "a string column",
        FieldKind::Int => "an integer column (Int8 to Int64, UInt8 to UInt64)",
        FieldKind::Decimal => "a numeric column (integer, floating point or decimal)",
        FieldKind::Money(_) => "a numeric column, or a string column of amounts like `10.34 GBP`",
        FieldKind::Bool => "a Boolean column",
        FieldKind::Duration => "a Duration column, or a numeric column of seconds",
        FieldKind::Time => "a Timestamp column, or a string column of RFC 3339 times",
        FieldKind::Date => "a Date32 or Date64 column, or a string column of dates like `2026-03-02`",
    }
}

/// One cell, borrowed from its batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'b> {
    Null,
    Str(&'b str),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// An unscaled value and its scale.
    Decimal(i128, i8),
    Bool(bool),
    /// Microseconds since the epoch: an instant, or for a naive timestamp
    /// the wall-clock time read as if it were UTC.
    Time(Micros),
    /// Days since 1970-01-01.
    Date(i64),
    /// Microseconds.
    Duration(i64),
}

/// A column of a batch, downcast once.
pub(crate) enum Col<'b> {
    Null,
    Utf8(&'b arrow_array::StringArray),
    LargeUtf8(&'b arrow_array::LargeStringArray),
    View(&'b arrow_array::StringViewArray),
    /// Keys (as indices into the values; arbitrary where null), the keys
    /// array for its nulls, and the values.
    Dict {
        keys: Vec<usize>,
        nulls: &'b dyn Array,
        values: Box<Col<'b>>,
    },
    Int(Ints<'b>),
    Float(Floats<'b>),
    Decimal(Decimals<'b>),
    Bool(&'b BooleanArray),
    /// Timestamps as integers, and their unit.
    Time(I64s, TimeUnit),
    Date32(&'b PrimitiveArray<Date32Type>),
    Date64(&'b PrimitiveArray<Date64Type>),
    /// Durations as integers, and their unit.
    Duration(I64s, TimeUnit),
}

/// 64-bit integers (timestamps and durations share this layout).
type I64s = PrimitiveArray<Int64Type>;

/// Integer columns of every width.
pub(crate) enum Ints<'b> {
    I8(&'b PrimitiveArray<Int8Type>),
    I16(&'b PrimitiveArray<Int16Type>),
    I32(&'b PrimitiveArray<Int32Type>),
    I64(&'b PrimitiveArray<Int64Type>),
    U8(&'b PrimitiveArray<UInt8Type>),
    U16(&'b PrimitiveArray<UInt16Type>),
    U32(&'b PrimitiveArray<UInt32Type>),
    U64(&'b PrimitiveArray<UInt64Type>),
}

/// Floating-point columns.
pub(crate) enum Floats<'b> {
    F16(&'b PrimitiveArray<Float16Type>),
    F32(&'b PrimitiveArray<Float32Type>),
    F64(&'b PrimitiveArray<Float64Type>),
}

/// Decimal columns, with their scale.
pub(crate) enum Decimals<'b> {
    D32(&'b arrow_array::Decimal32Array, i8),
    D64(&'b arrow_array::Decimal64Array, i8),
    D128(&'b arrow_array::Decimal128Array, i8),
}

/// Microseconds from a count of `unit`s (floored for nanoseconds), None
/// when it does not fit.
pub(crate) fn micros(v: i64, unit: TimeUnit) -> Option<i64> {
    match unit {
        TimeUnit::Second => v.checked_mul(1_000_000),
        TimeUnit::Millisecond => v.checked_mul(1_000),
        TimeUnit::Microsecond => Some(v),
        TimeUnit::Nanosecond => Some(v.div_euclid(1_000)),
    }
}

impl<'b> Col<'b> {
    /// The typed view of `array`, None for a type [`shape`] refuses.
    pub fn new(array: &'b ArrayRef) -> Option<Col<'b>> {
        Col::of(array.as_ref())
    }

    fn of(a: &'b dyn Array) -> Option<Col<'b>> {
        Some(match a.data_type() {
            DataType::Null => Col::Null,
            DataType::Utf8 => Col::Utf8(a.as_string_opt::<i32>()?),
            DataType::LargeUtf8 => Col::LargeUtf8(a.as_string_opt::<i64>()?),
            DataType::Utf8View => Col::View(a.as_string_view_opt()?),
            DataType::Dictionary(..) => {
                let d = a.as_any_dictionary_opt()?;
                let values = Col::of(d.values().as_ref())?;
                let keys = if d.values().is_empty() { vec![0; d.len()] } else { d.normalized_keys() };
                Col::Dict { keys, nulls: d.keys(), values: Box::new(values) }
            }
            DataType::Int8 => Col::Int(Ints::I8(a.as_primitive_opt()?)),
            DataType::Int16 => Col::Int(Ints::I16(a.as_primitive_opt()?)),
            DataType::Int32 => Col::Int(Ints::I32(a.as_primitive_opt()?)),
            DataType::Int64 => Col::Int(Ints::I64(a.as_primitive_opt()?)),
            DataType::UInt8 => Col::Int(Ints::U8(a.as_primitive_opt()?)),
            DataType::UInt16 => Col::Int(Ints::U16(a.as_primitive_opt()?)),
            DataType::UInt32 => Col::Int(Ints::U32(a.as_primitive_opt()?)),
            DataType::UInt64 => Col::Int(Ints::U64(a.as_primitive_opt()?)),
            DataType::Float16 => Col::Float(Floats::F16(a.as_primitive_opt()?)),
            DataType::Float32 => Col::Float(Floats::F32(a.as_primitive_opt()?)),
            DataType::Float64 => Col::Float(Floats::F64(a.as_primitive_opt()?)),
            DataType::Decimal32(_, s) => Col::Decimal(Decimals::D32(a.as_primitive_opt()?, *s)),
            DataType::Decimal64(_, s) => Col::Decimal(Decimals::D64(a.as_primitive_opt()?, *s)),
            DataType::Decimal128(_, s) => Col::Decimal(Decimals::D128(a.as_primitive_opt()?, *s)),
            DataType::Boolean => Col::Bool(a.as_boolean_opt()?),
            DataType::Timestamp(unit, _) => Col::Time(as_i64s(a, *unit, true)?, *unit),
            DataType::Date32 => Col::Date32(a.as_primitive_opt()?),
            DataType::Date64 => Col::Date64(a.as_primitive_opt()?),
            DataType::Duration(unit) => Col::Duration(as_i64s(a, *unit, false)?, *unit),
            _ => return None,
        })
    }

    /// The cell at `row`.
    #[inline]
    pub fn get(&self, row: usize) -> Cell<'b> {
        match self {
            Col::Null => Cell::Null,
            Col::Utf8(a) => {
                if a.is_valid(row) {
                    Cell::Str(a.value(row))
                } else {
                    Cell::Null
                }
            }
            Col::LargeUtf8(a) => {
                if a.is_valid(row) {
                    Cell::Str(a.value(row))
                } else {
                    Cell::Null
                }
            }
            Col::View(a) => {
                if a.is_valid(row) {
                    Cell::Str(a.value(row))
                } else {
                    Cell::Null
                }
            }
            Col::Dict { keys, nulls, values } => match keys.get(row) {
                Some(&k) if nulls.is_valid(row) => values.get(k),
                _ => Cell::Null,
            },
            Col::Int(ints) => ints.get(row),
            Col::Float(f) => f.get(row),
            Col::Decimal(d) => d.get(row),
            Col::Bool(a) => {
                if a.is_valid(row) {
                    Cell::Bool(a.value(row))
                } else {
                    Cell::Null
                }
            }
            Col::Time(a, unit) => match a.is_valid(row).then(|| micros(a.value(row), *unit)) {
                Some(Some(t)) => Cell::Time(t),
                // Out of range: no instant to give (the row is then bad).
                _ => Cell::Null,
            },
            Col::Date32(a) => {
                if a.is_valid(row) {
                    Cell::Date(i64::from(a.value(row)))
                } else {
                    Cell::Null
                }
            }
            Col::Date64(a) => {
                if a.is_valid(row) {
                    Cell::Date(a.value(row).div_euclid(86_400_000))
                } else {
                    Cell::Null
                }
            }
            Col::Duration(a, unit) => match a.is_valid(row).then(|| micros(a.value(row), *unit)) {
                Some(Some(d)) => Cell::Duration(d),
                _ => Cell::Null,
            },
        }
    }

    /// Whether the column is dictionary-encoded: its cells repeat, and
    /// what is derived from a value can be derived once per key.
    pub fn dict_key(&self, row: usize) -> Option<usize> {
        match self {
            Col::Dict { keys, nulls, .. } if nulls.is_valid(row) => keys.get(row).copied(),
            _ => None,
        }
    }
}

/// A timestamp or duration column as its 64-bit integers.
fn as_i64s(a: &dyn Array, unit: TimeUnit, timestamp: bool) -> Option<I64s> {
    Some(match (timestamp, unit) {
        (true, TimeUnit::Second) => a.as_primitive_opt::<TimestampSecondType>()?.reinterpret_cast(),
        (true, TimeUnit::Millisecond) => a.as_primitive_opt::<TimestampMillisecondType>()?.reinterpret_cast(),
        (true, TimeUnit::Microsecond) => a.as_primitive_opt::<TimestampMicrosecondType>()?.reinterpret_cast(),
        (true, TimeUnit::Nanosecond) => a.as_primitive_opt::<TimestampNanosecondType>()?.reinterpret_cast(),
        (false, TimeUnit::Second) => a.as_primitive_opt::<DurationSecondType>()?.reinterpret_cast(),
        (false, TimeUnit::Millisecond) => a.as_primitive_opt::<DurationMillisecondType>()?.reinterpret_cast(),
        (false, TimeUnit::Microsecond) => a.as_primitive_opt::<DurationMicrosecondType>()?.reinterpret_cast(),
        (false, TimeUnit::Nanosecond) => a.as_primitive_opt::<DurationNanosecondType>()?.reinterpret_cast(),
    })
}

impl<'b> Ints<'b> {
    #[inline]
    fn get(&self, row: usize) -> Cell<'b> {
        fn at<T: arrow_array::ArrowPrimitiveType>(a: &PrimitiveArray<T>, row: usize) -> Option<T::Native> {
            a.is_valid(row).then(|| a.value(row))
        }
        let cell = match self {
            Ints::I8(a) => at(a, row).map(|v| Cell::Int(i64::from(v))),
            Ints::I16(a) => at(a, row).map(|v| Cell::Int(i64::from(v))),
            Ints::I32(a) => at(a, row).map(|v| Cell::Int(i64::from(v))),
            Ints::I64(a) => at(a, row).map(Cell::Int),
            Ints::U8(a) => at(a, row).map(|v| Cell::Int(i64::from(v))),
            Ints::U16(a) => at(a, row).map(|v| Cell::Int(i64::from(v))),
            Ints::U32(a) => at(a, row).map(|v| Cell::Int(i64::from(v))),
            Ints::U64(a) => at(a, row).map(Cell::UInt),
        };
        cell.unwrap_or(Cell::Null)
    }
}

impl<'b> Floats<'b> {
    #[inline]
    fn get(&self, row: usize) -> Cell<'b> {
        let v = match self {
            Floats::F16(a) => a.is_valid(row).then(|| f64::from(a.value(row))),
            Floats::F32(a) => a.is_valid(row).then(|| f64::from(a.value(row))),
            Floats::F64(a) => a.is_valid(row).then(|| a.value(row)),
        };
        v.map_or(Cell::Null, Cell::Float)
    }
}

impl<'b> Decimals<'b> {
    #[inline]
    fn get(&self, row: usize) -> Cell<'b> {
        let v = match self {
            Decimals::D32(a, s) => a.is_valid(row).then(|| (i128::from(a.value(row)), *s)),
            Decimals::D64(a, s) => a.is_valid(row).then(|| (i128::from(a.value(row)), *s)),
            Decimals::D128(a, s) => a.is_valid(row).then(|| (a.value(row), *s)),
        };
        v.map_or(Cell::Null, |(v, s)| Cell::Decimal(v, s))
    }
}
