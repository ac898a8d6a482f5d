//! Declared field kinds: each accepts what it should and names what it
//! found otherwise.

use super::*;

fn schema(kind: FieldKind) -> Projection {
    let mut p = proj();
    p.schema.insert(("complaint_received".into(), "v".into()), kind);
    p.add_key("v");
    p
}

fn typed(kind: FieldKind, json: &str) -> Result<Val, BadLine> {
    let p = schema(kind);
    let text = line(0, &format!(r#","v":{json}"#));
    match read_with(&p, Format::Jsonl, text.as_bytes(), &opts()) {
        Ok((events, _)) => Ok(attr(&p, &events[0], "v").clone()),
        Err(LogFailure::Bad(b)) => Err(b),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn schema_kinds_accept() {
    let money = |a: i64, scale: u32, c: &str| Val::Money(Decimal::new(a, scale), c.into());
    let gbp = FieldKind::Money(Some("GBP".into()));
    assert_eq!(typed(FieldKind::Id, "42").unwrap(), s("42"));
    assert_eq!(typed(FieldKind::Id, r#""42""#).unwrap(), s("42"));
    assert_eq!(typed(FieldKind::Id, "123456789012345678901234567890").unwrap(), s("123456789012345678901234567890"));
    assert_eq!(typed(FieldKind::Text, r#""hi""#).unwrap(), s("hi"));
    assert_eq!(typed(FieldKind::Int, "-7").unwrap(), Val::Int(-7));
    assert_eq!(typed(FieldKind::Decimal, "7").unwrap(), Val::Dec(Decimal::new(7, 0)));
    assert_eq!(typed(FieldKind::Decimal, "1.5e1").unwrap(), Val::Dec(Decimal::new(15, 0)));
    assert_eq!(typed(FieldKind::Money(None), "10.34").unwrap(), money(1034, 2, ""));
    assert_eq!(typed(FieldKind::Money(None), r#""10.34 EUR""#).unwrap(), money(1034, 2, "EUR"));
    assert_eq!(typed(gbp.clone(), "3").unwrap(), money(3, 0, "GBP"));
    assert_eq!(typed(gbp, r#""10.34 GBP""#).unwrap(), money(1034, 2, "GBP"));
    assert_eq!(typed(FieldKind::Bool, "false").unwrap(), Val::Bool(false));
    assert_eq!(typed(FieldKind::Duration, "90").unwrap(), Val::Dur(90_000_000));
    assert_eq!(typed(FieldKind::Duration, "0.25").unwrap(), Val::Dur(250_000));
    assert_eq!(typed(FieldKind::Time, r#""2026-03-02T09:15:00Z""#).unwrap(), Val::Time(T0));
    assert_eq!(typed(FieldKind::Int, "null").unwrap(), Val::Null, "null stays absent");
}

#[test]
fn schema_kinds_reject() {
    let cases = [
        (FieldKind::Id, "4.2", "expected an id (a string or an integer), found the number `4.2`"),
        (FieldKind::Id, "true", "found `true`"),
        (FieldKind::Text, "42", "expected a string, found the integer `42`"),
        (FieldKind::Int, r#""42""#, "expected an integer, found the string `42`"),
        (FieldKind::Int, "4.5", "expected an integer"),
        (FieldKind::Decimal, r#""4.5""#, "expected a number"),
        (FieldKind::Money(None), r#""ten GBP""#, "expected money"),
        (FieldKind::Money(None), r#""10 gbp""#, "expected money"),
        (FieldKind::Money(Some("GBP".into())), r#""10 EUR""#, "expected money in GBP"),
        (FieldKind::Bool, r#""true""#, "expected `true` or `false`"),
        (FieldKind::Duration, r#""90s""#, "expected a duration"),
        (FieldKind::Time, r#""2026-03-02""#, "expected an RFC 3339 time"),
        (FieldKind::Time, "5", "expected an RFC 3339 time"),
    ];
    for (kind, json, reason) in cases {
        let b = typed(kind.clone(), json).unwrap_err();
        assert_eq!((b.field.as_deref(), b.column), (Some("v"), Some(64)), "{kind:?} {json}");
        assert!(b.reason.contains(reason), "{kind:?} {json}: {}", b.reason);
    }
}

#[test]
fn schema_checks_declared_fields_of_unused_types_and_keys() {
    let mut p = proj();
    p.schema.insert(("refund_issued".into(), "amount".into()), FieldKind::Money(Some("GBP".into())));
    p.schema.insert(("refund_issued".into(), "ref".into()), FieldKind::Int);
    let ok = r#"{"time":"2026-03-02T09:15:00Z","type":"refund_issued","amount":"1 GBP","ref":5}"#;
    let (events, _) = read_with(&p, Format::Jsonl, ok.as_bytes(), &opts()).unwrap();
    assert_eq!((events[0].kind, events[0].attrs.len()), (OTHER, 0));
    let wrong = r#"{"time":"2026-03-02T09:15:00Z","type":"refund_issued","ref":"x"}"#;
    let Err(LogFailure::Bad(b)) = read_with(&p, Format::Jsonl, wrong.as_bytes(), &opts()) else { panic!() };
    assert_eq!(b.field.as_deref(), Some("ref"));
    // The same key on another type is not declared: kept untyped.
    let (events, _) = read_with(&p, Format::Jsonl, line(0, r#","amount":"lots""#).as_bytes(), &opts()).unwrap();
    assert_eq!(attr(&p, &events[0], "amount"), &s("lots"));
}
