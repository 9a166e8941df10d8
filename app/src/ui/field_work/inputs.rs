//! Form controls bound to a draft field: every keystroke is kept on the phone at once.

use crate::domain::record::Context;
use crate::domain::record::{FieldSpec, FieldType};
use crate::domain::FieldError;
use crate::i18n::*;
use crate::i18n_support::{label, problem_text};
use crate::phone::model::{filled, Draft};
use crate::phone::store::PhoneStore;
use chrono::Utc;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use serde_json::Value;
use uuid::Uuid;

pub fn field_value(store: PhoneStore, id: Uuid, key: &str) -> Option<Value> {
    store
        .drafts
        .with(|d| d.get(&id).and_then(|d| d.fields.get(key).cloned()))
}

pub fn field_text(store: PhoneStore, id: Uuid, key: &str) -> String {
    field_value(store, id, key)
        .map(|v| crate::domain::record::display_value(&v))
        .unwrap_or_default()
}

/// Sets one field of a draft (a null or empty value removes it) and keeps the draft.
pub fn set_field(store: PhoneStore, id: Uuid, key: &str, value: Value) {
    let Some(mut draft) = store.draft(id) else { return };
    if crate::domain::record::is_blank(Some(&value)) {
        draft.fields.remove(key);
    } else {
        draft.fields.insert(key.to_string(), value);
    }
    draft.updated_at = Utc::now();
    store.save_draft(draft);
}

pub fn new_draft(
    kind: crate::domain::RecordKind,
    record_id: Uuid,
    case_id: Uuid,
    fields: crate::domain::Fields,
    base: Option<i64>,
) -> Draft {
    Draft {
        record_id,
        kind,
        case_id,
        base_version: base,
        fields,
        updated_at: Utc::now(),
    }
}

/// One field of a draft, drawn from its schema entry (`spec!(household, "village")`): the kind
/// of control, whether it is required and its choices all come from the record's schema.
/// `input_type` only refines a text field (`tel`).
#[component]
pub fn Field(id: Uuid, spec: &'static FieldSpec, #[prop(optional)] input_type: Option<&'static str>) -> impl IntoView {
    match spec.ty {
        FieldType::Choice(choices) => choice_field(id, spec, choices).into_any(),
        FieldType::Bool => check_field(id, spec.name).into_any(),
        FieldType::Text { max } if max >= LONG_TEXT => text_area(id, spec.name).into_any(),
        FieldType::PastDate | FieldType::Date => text_field(id, spec, "date").into_any(),
        FieldType::TimeOfDay => text_field(id, spec, "time").into_any(),
        FieldType::TextList { .. } => lines_field(id, spec).into_any(),
        FieldType::Int { .. } | FieldType::Number { .. } => text_field(id, spec, "number").into_any(),
        _ => text_field(id, spec, input_type.unwrap_or("text")).into_any(),
    }
}

/// Text this long is written in a box of several lines.
const LONG_TEXT: usize = 1000;

fn field_label(spec: &'static FieldSpec) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span>{move || label(i18n, &format!("f_{}", spec.name))} {spec.required.then_some(" *")}</span> }
}

fn text_field(id: Uuid, spec: &'static FieldSpec, input_type: &'static str) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let key = spec.name;
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let whole = matches!(spec.ty, FieldType::Int { .. });
        let value = if let (true, Ok(n)) = (whole, v.trim().parse::<i64>()) {
            // A count stays a whole number (a float would not read as one).
            Value::from(n)
        } else if input_type == "number" {
            v.trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number)
        } else {
            Value::String(v)
        };
        set_field(store, id, key, value);
    };
    view! {
        <label class="field">
            {field_label(spec)}
            <input
                type=input_type
                name=key
                data-field=key
                step=(input_type == "number").then_some("any")
                prop:value=move || field_text(store, id, key)
                on:input=on_input
            />
        </label>
    }
}

fn text_area(id: Uuid, key: &'static str) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || label(i18n, &format!("f_{key}"))}</span>
            <textarea
                name=key
                data-field=key
                rows="3"
                prop:value=move || field_text(store, id, key)
                on:input=move |ev| set_field(store, id, key, Value::String(event_target_value(&ev)))
            ></textarea>
        </label>
    }
}

/// A list of short texts, one per line (a dossier's documents).
fn lines_field(id: Uuid, spec: &'static FieldSpec) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let key = spec.name;
    let text = move || {
        field_value(store, id, key)
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Short items (languages) may also be written on one line, separated by commas.
    let commas = matches!(spec.ty, FieldType::TextList { max, .. } if max <= 40);
    let on_input = move |ev: leptos::ev::Event| {
        let lines: Vec<Value> = event_target_value(&ev)
            .split(|c| c == '\n' || (commas && c == ','))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Value::String(l.to_string()))
            .collect();
        set_field(store, id, key, Value::Array(lines));
    };
    view! {
        <label class="field">
            {field_label(spec)}
            <textarea name=key data-field=key rows="3" prop:value=text on:change=on_input></textarea>
        </label>
    }
}

fn choice_field(id: Uuid, spec: &'static FieldSpec, choices: &'static [&'static str]) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let key = spec.name;
    view! {
        <label class="field">
            {field_label(spec)}
            <select
                name=key
                data-field=key
                prop:value=move || field_text(store, id, key)
                on:change=move |ev| set_field(store, id, key, Value::String(event_target_value(&ev)))
            >
                <option value="">"—"</option>
                {choices
                    .iter()
                    .map(|c| {
                        let c = *c;
                        view! {
                            <option value=c selected=move || field_text(store, id, key) == c>
                                {move || label(i18n, &format!("c_{c}"))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

fn check_field(id: Uuid, key: &'static str) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    view! {
        <label class="check">
            <input
                type="checkbox"
                name=key
                data-field=key
                prop:checked=move || field_value(store, id, key) == Some(Value::Bool(true))
                on:change=move |ev| set_field(store, id, key, Value::Bool(event_target_checked(&ev)))
            />
            <span>{move || label(i18n, &format!("f_{key}"))}</span>
        </label>
    }
}

/// What is wrong with a draft, as the server would find it, each problem named with the draft's
/// record kind for the list on screen.
pub fn problems_of(i18n: I18nContext<Locale>, draft: &Draft, ctx: &Context) -> Vec<(String, FieldError)> {
    let what = label(i18n, &format!("k_{}", draft.kind.as_str()));
    crate::domain::record::validate(draft.kind, &filled(&draft.fields), ctx)
        .into_iter()
        .map(|e| (what.clone(), e))
        .collect()
}

/// "Save" of a form of one record: checked against `ctx`, shown in `errors`, queued when clean.
pub fn save_one(
    store: PhoneStore,
    i18n: I18nContext<Locale>,
    id: Uuid,
    case_id: Uuid,
    ctx: &Context,
    errors: RwSignal<Vec<(String, FieldError)>>,
) {
    let Some(draft) = store.draft(id) else { return };
    let mut found = problems_of(i18n, &draft, ctx);
    // Signatures and photos made on the form go with it.
    let attachments = owned_drafts(store, id);
    for a in &attachments {
        found.extend(problems_of(i18n, a, ctx));
    }
    let clean = found.is_empty();
    errors.set(found);
    if clean {
        let mut all = vec![draft];
        all.extend(attachments);
        super::finish_and_return(store, all, case_id);
    }
}

/// The attachment drafts (signatures, photos) made on the form of record `owner`.
pub fn owned_drafts(store: PhoneStore, owner: Uuid) -> Vec<Draft> {
    let owner = Value::String(owner.to_string());
    store.drafts.with(|d| {
        d.values()
            .filter(|x| {
                x.kind == crate::domain::RecordKind::Attachment
                    && x.fields.get(crate::spec!(attachment, "owner_id").name) == Some(&owner)
            })
            .cloned()
            .collect()
    })
}

/// "Discard" of a form of one record: after the user confirms, the draft goes and the case opens.
pub fn discard_one(store: PhoneStore, i18n: I18nContext<Locale>, id: Uuid, case_id: Uuid) {
    if super::confirm(t_string!(i18n, confirm_discard_form)) {
        let back = super::return_to(store.draft(id).as_ref(), case_id);
        store.discard_draft(id);
        super::go(back);
    }
}

/// A refused field's name for people: the last part of its path that is a field or a question
/// (`answers.members.<id>.employed` is the question "employed"), never an ID or a raw key.
fn field_words(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, path: &str) -> String {
    for part in path.rsplit('.') {
        for key in [format!("f_{part}"), format!("q_{part}")] {
            let text = label(i18n, &key);
            if text != key {
                return text;
            }
        }
    }
    t_string!(i18n, field_unnamed).to_string()
}

/// The problems found on "save", each said in the worker's language.
#[component]
pub fn Problems(errors: RwSignal<Vec<(String, FieldError)>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || !errors.with(Vec::is_empty)>
            <div class="error" role="alert" data-testid="problems">
                <p>{t!(i18n, fix_before_saving)}</p>
                <ul>
                    {move || {
                        errors
                            .get()
                            .into_iter()
                            .map(|(what, e)| {
                                let name = field_words(i18n, &e.field);
                                view! { <li>{what} ": " {name} " — " {problem_text(i18n, e.problem)}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
