//! Property tests (proptest) on what the server does with a phone's changes: the push decoder,
//! validation and the per-field merge. Machines look for the input the hand-written tests missed:
//! nothing valid is refused, nothing invalid passes, every refusal names its field, and the
//! merge is order-independent where it should be and never loses a value where it is not.

use super::record::{validate, Context, FieldSpec, FieldType, Fields, RecordKind};
use super::sync::{created, merge, Change, Stamps};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

/// The instant the properties run at (fixed, so a failure repeats).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()
}

/// Letters of every script the records hold, and a few marks people type.
const LETTERS: &[char] = &[
    'a', 'B', 'ë', 'Ë', 'ç', 'Ç', 'š', 'ž', 'đ', 'Đ', 'ć', 'č', 'ğ', 'ı', 'İ', 'ş', 'ö', 'ü', 'Ж', 'ђ', 'љ', 'Ћ', 'ш',
    'ј', 'ё', '-', '\'', ' ', '.', '1', '7', '/', '(', '’',
];

fn text(max: usize) -> BoxedStrategy<String> {
    let max = max.clamp(1, 24);
    (
        prop::sample::select(LETTERS.to_vec()),
        prop::collection::vec(prop::sample::select(LETTERS.to_vec()), 0..max),
    )
        .prop_map(move |(first, rest)| {
            // Never blank: a required text is refused when it is only spaces.
            let first = if first == ' ' { 'a' } else { first };
            std::iter::once(first).chain(rest).take(max).collect()
        })
        .boxed()
}

fn day(from: NaiveDate, days: i64) -> BoxedStrategy<String> {
    (0..days)
        .prop_map(move |d| (from + Duration::days(d)).to_string())
        .boxed()
}

/// A value the field's type takes, or `None` where the field is left out (lists of people, which
/// validation checks against the household, and the composite answers of other kinds).
fn valid_value(ty: FieldType) -> Option<BoxedStrategy<Value>> {
    let past = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap();
    let days_to_yesterday = (now().date_naive() - past).num_days() - 1;
    Some(match ty {
        FieldType::Text { max } => text(max).prop_map(Value::from).boxed(),
        FieldType::PastDate => day(past, days_to_yesterday).prop_map(Value::from).boxed(),
        FieldType::Date => day(past, 365 * 100).prop_map(Value::from).boxed(),
        FieldType::PastInstant => (0i64..3_000_000)
            .prop_map(|m| Value::from((now() - Duration::minutes(m + 60)).to_rfc3339()))
            .boxed(),
        FieldType::TimeOfDay => (0u32..24, 0u32..60)
            .prop_map(|(h, m)| Value::from(format!("{h:02}:{m:02}")))
            .boxed(),
        FieldType::Bool => any::<bool>().prop_map(Value::from).boxed(),
        FieldType::Choice(choices) => prop::sample::select(choices.to_vec()).prop_map(Value::from).boxed(),
        FieldType::Int { min, max } => (min..=max).prop_map(Value::from).boxed(),
        FieldType::Number { min, max } => (min..=max).prop_map(Value::from).boxed(),
        FieldType::Id => any::<u128>()
            .prop_map(|n| Value::from(Uuid::from_u128(n).to_string()))
            .boxed(),
        FieldType::TextList { max_items, max } => prop::collection::vec(text(max), 0..max_items.min(4))
            .prop_map(|v| json!(v))
            .boxed(),
        FieldType::IdList
        | FieldType::Answers
        | FieldType::PlanItems
        | FieldType::PlanContent
        | FieldType::ServiceChecks
        | FieldType::GoalProgress => return None,
    })
}

/// The kinds a phone registers first, whose only rules are their fields' own (and a visit's
/// consent to a position, kept by the generator).
const KINDS: &[RecordKind] = &[
    RecordKind::Household,
    RecordKind::Member,
    RecordKind::ReturnEvent,
    RecordKind::Visit,
];

fn phone_fields(kind: RecordKind) -> Vec<&'static FieldSpec> {
    kind.schema()
        .iter()
        .filter(|s| !s.server_only && valid_value(s.ty).is_some())
        .collect()
}

/// A valid record of `kind`: every required field, each optional one or not.
fn valid_record(kind: RecordKind) -> BoxedStrategy<Fields> {
    let specs = phone_fields(kind);
    let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = specs
        .iter()
        .map(|spec| {
            let name = spec.name.to_string();
            let value = valid_value(spec.ty).expect("filtered");
            if spec.required {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                prop::option::of(value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed()
            }
        })
        .collect();
    parts
        .prop_map(move |pairs| {
            let mut fields: Fields = pairs.into_iter().flatten().collect();
            if kind == RecordKind::Visit {
                let positioned = fields.contains_key("latitude") || fields.contains_key("longitude");
                if positioned {
                    fields.insert("gps_consent".into(), Value::Bool(true));
                }
            }
            fields
        })
        .boxed()
}

fn kind_and_record() -> BoxedStrategy<(RecordKind, Fields)> {
    prop::sample::select(KINDS.to_vec())
        .prop_flat_map(|kind| valid_record(kind).prop_map(move |f| (kind, f)))
        .boxed()
}

/// One way to spoil a valid value of type `ty`, with the problem it must be refused for.
fn spoiled(ty: FieldType) -> BoxedStrategy<Value> {
    let wrong_type = prop_oneof![Just(json!({"x": 1})), Just(json!([1, 2])), Just(json!(1.5e300))];
    match ty {
        FieldType::Text { max } => prop_oneof![
            wrong_type,
            Just(Value::from("a\u{0}b")),
            Just(Value::from("x".repeat(max + 1))),
        ]
        .boxed(),
        FieldType::PastDate => prop_oneof![
            wrong_type,
            Just(Value::from("2031-01-01")),
            Just(Value::from("31.12.2020"))
        ]
        .boxed(),
        FieldType::PastInstant => prop_oneof![
            wrong_type,
            Just(Value::from("2031-01-01T10:00:00Z")),
            Just(Value::from("yesterday"))
        ]
        .boxed(),
        FieldType::TimeOfDay => prop_oneof![
            wrong_type,
            Just(Value::from("24:00")),
            Just(Value::from("9:5")),
            Just(Value::from("12:60"))
        ]
        .boxed(),
        FieldType::Choice(_) => prop_oneof![wrong_type, Just(Value::from("not-a-choice"))].boxed(),
        FieldType::Int { max, .. } => prop_oneof![wrong_type, Just(Value::from(max.saturating_add(1)))].boxed(),
        FieldType::Number { max, .. } => prop_oneof![Just(json!("12")), Just(json!(max + 1.0))].boxed(),
        FieldType::Id => prop_oneof![wrong_type, Just(Value::from("not-a-uuid"))].boxed(),
        FieldType::Bool => prop_oneof![Just(json!("true")), Just(json!(1))].boxed(),
        _ => wrong_type.boxed(),
    }
}

/// A valid record with one field spoiled, and that field's name.
fn spoiled_record() -> BoxedStrategy<(RecordKind, Fields, String)> {
    kind_and_record()
        .prop_flat_map(|(kind, fields)| {
            let specs = phone_fields(kind);
            (Just(kind), Just(fields), prop::sample::select(specs))
        })
        .prop_flat_map(|(kind, fields, spec)| {
            spoiled(spec.ty).prop_map(move |bad| {
                let mut f = fields.clone();
                f.insert(spec.name.to_string(), bad);
                (kind, f, spec.name.to_string())
            })
        })
        .boxed()
}

fn ctx() -> Context {
    Context::at(now())
}

/// Any JSON a phone (or anyone) might send as one change.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z0-9:-]{0,12}".prop_map(Value::from),
        any::<u128>().prop_map(|n| Value::from(Uuid::from_u128(n).to_string())),
        Just(Value::from("2026-11-20T09:14:00Z")),
        Just(Value::from("household")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "change_id",
                    "device_id",
                    "kind",
                    "record_id",
                    "case_id",
                    "base_version",
                    "fields",
                    "made_at",
                    "extra",
                ]),
                inner,
                0..9
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
    .boxed()
}

fn change_of(kind: RecordKind, fields: Fields, base: Option<i64>) -> Change {
    Change {
        change_id: Uuid::now_v7(),
        device_id: Uuid::from_u128(7),
        kind,
        record_id: Uuid::from_u128(1),
        case_id: Uuid::from_u128(2),
        base_version: base,
        fields,
        made_at: now(),
    }
}

/// A field map over a few names, for the merge.
fn small_fields() -> BoxedStrategy<Fields> {
    prop::collection::btree_map(
        prop::sample::select(vec!["a", "b", "c", "d", "e"]),
        prop_oneof![Just(Value::Null), (0i64..4).prop_map(Value::from)],
        0..5,
    )
    .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    .boxed()
}

fn apply(
    fields: &Fields,
    stamps: &Stamps,
    version: i64,
    base: i64,
    device: Uuid,
    change: &Fields,
) -> (Fields, Stamps, i64) {
    let m = merge(fields, stamps, version, base, device, change);
    (m.fields, m.stamps, m.version)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Nothing valid is refused.
    #[test]
    fn every_valid_record_passes((kind, fields) in kind_and_record()) {
        let errors = validate(kind, &fields, &ctx());
        prop_assert!(errors.is_empty(), "{kind:?} {fields:?} refused: {errors:?}");
    }

    /// Nothing invalid passes, and the refusal names the spoiled field.
    #[test]
    fn a_spoiled_field_is_refused_by_name((kind, fields, name) in spoiled_record()) {
        let errors = validate(kind, &fields, &ctx());
        prop_assert!(
            errors.iter().any(|e| e.field == name),
            "{kind:?}: {name} = {:?} not refused by name: {errors:?}", fields.get(&name)
        );
    }

    /// A valid change survives the wire: encoded, decoded, the same change, and its envelope
    /// has nothing to complain of.
    #[test]
    fn a_change_reads_back_as_sent((kind, fields) in kind_and_record(), base in prop::option::of(1i64..1000)) {
        let change = change_of(kind, fields, base);
        let wire = serde_json::to_value(&change).unwrap();
        prop_assert!(Change::envelope_errors(&wire).is_empty());
        let back: Change = serde_json::from_value(wire).unwrap();
        prop_assert_eq!(back, change);
    }

    /// Whatever arrives: it decodes as a change, or the refusal names at least one of its keys.
    #[test]
    fn what_does_not_decode_is_refused_by_name(raw in any_json()) {
        if serde_json::from_value::<Change>(raw.clone()).is_err() {
            prop_assert!(!Change::envelope_errors(&raw).is_empty(), "refused without a named cause: {raw}");
        }
    }

    /// Two phones editing different fields of the same version: either order gives the same
    /// record.
    #[test]
    fn edits_of_different_fields_commute(base in small_fields(), x in small_fields(), y in small_fields()) {
        let (dx, dy) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let y: Fields = y.into_iter().filter(|(k, _)| !x.contains_key(k)).collect();
        let stamps = created(&base, Uuid::from_u128(9));
        let (f1, s1, v1) = apply(&base, &stamps, 1, 1, dx, &x);
        let (xy, ..) = apply(&f1, &s1, v1, 1, dy, &y);
        let (f2, s2, v2) = apply(&base, &stamps, 1, 1, dy, &y);
        let (yx, ..) = apply(&f2, &s2, v2, 1, dx, &x);
        prop_assert_eq!(xy, yx);
    }

    /// Two phones writing the same field from the same version: whichever comes second is a
    /// conflict, and between the record and the conflict both values are kept, in either order.
    #[test]
    fn no_value_is_lost_to_a_concurrent_edit(base in small_fields(), a in 0i64..4, b in 0i64..4) {
        prop_assume!(a != b);
        let (dx, dy) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let stamps = created(&base, Uuid::from_u128(9));
        let one: Fields = [("a".to_string(), Value::from(a))].into();
        let two: Fields = [("a".to_string(), Value::from(b))].into();
        for (first, second, d1, d2) in [(&one, &two, dx, dy), (&two, &one, dy, dx)] {
            let (f, s, v) = apply(&base, &stamps, 1, 1, d1, first);
            let m = merge(&f, &s, v, 1, d2, second);
            let kept = m.fields.get("a").cloned().unwrap_or(Value::Null);
            let mut seen: Vec<Value> = m.conflicts.iter().map(|(_, _, proposed)| proposed.clone()).collect();
            seen.push(kept);
            seen.sort_by_key(|v| v.to_string());
            let mut both = vec![Value::from(a), Value::from(b)];
            both.sort_by_key(|v| v.to_string());
            if base.get("a") == Some(&Value::from(a)) || base.get("a") == Some(&Value::from(b)) {
                // One of them changed nothing: the other simply applies.
                continue;
            }
            prop_assert_eq!(seen, both);
        }
    }

    /// A phone's later edit on top of its own earlier one never conflicts with itself, and
    /// the same change merged again changes nothing.
    #[test]
    fn a_phone_never_conflicts_with_itself(base in small_fields(), x in small_fields(), y in small_fields()) {
        let d = Uuid::from_u128(1);
        let stamps = created(&base, d);
        let (f1, s1, v1) = apply(&base, &stamps, 1, 1, d, &x);
        let m = merge(&f1, &s1, v1, 1, d, &y);
        prop_assert!(m.conflicts.is_empty());
        let again = merge(&m.fields, &m.stamps, m.version, m.version, d, &y);
        prop_assert!(again.changed.is_empty() && again.conflicts.is_empty());
        prop_assert_eq!(again.version, m.version);
    }
}
