//! Registering a household (or correcting one): the address, every member, and the return or
//! the protection decision that starts the 72-hour clock.

use super::inputs::{field_text, new_draft, set_field, Field, Problems};
use super::{confirm, go, Screen};
use crate::domain::record::TypedRecord;
use crate::domain::record::{self, Context};
use crate::domain::{FieldError, RecordKind};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::{filled, member_facts, Draft};
use crate::phone::store::{of_case, PhoneStore};
use crate::spec;
use chrono::Utc;
use leptos::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

const LANGUAGES: &str = spec!(member, "languages").name;
const MEMBERS: &str = spec!(return_event, "members").name;

const KINDS: [RecordKind; 4] = [
    RecordKind::Case,
    RecordKind::Household,
    RecordKind::Member,
    RecordKind::ReturnEvent,
];

/// Opens drafts for the case's records that have none yet, from what the phone knows.
fn ensure_drafts(store: PhoneStore, case_id: Uuid) {
    let records = store.local();
    for kind in [RecordKind::Household, RecordKind::Member, RecordKind::ReturnEvent] {
        for r in of_case(&records, case_id, kind) {
            if store.draft(r.id).is_none() {
                store.save_draft(new_draft(kind, r.id, case_id, r.fields.clone(), r.version));
            }
        }
    }
    let has = |kind| {
        store
            .drafts
            .with_untracked(|d| d.values().any(|x| x.case_id == case_id && x.kind == kind))
    };
    let household_id = of_case(&records, case_id, RecordKind::Household).first().map(|h| h.id);
    if let (false, Some(h)) = (has(RecordKind::ReturnEvent), household_id) {
        store.save_draft(new_draft(
            RecordKind::ReturnEvent,
            Uuid::now_v7(),
            case_id,
            [("household_id".to_string(), json!(h))].into(),
            None,
        ));
    }
}

fn drafts_of(store: PhoneStore, case_id: Uuid, kind: RecordKind) -> Vec<Draft> {
    let mut v: Vec<Draft> = store.drafts.with(|d| {
        d.values()
            .filter(|x| x.case_id == case_id && x.kind == kind)
            .cloned()
            .collect()
    });
    v.sort_by_key(|d| d.record_id);
    v
}

#[component]
pub fn HouseholdForm(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    ensure_drafts(store, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let household = move || drafts_of(store, case_id, RecordKind::Household).into_iter().next();
    let household_id = untrack(household).map(|h| h.record_id);
    let members = move || drafts_of(store, case_id, RecordKind::Member);
    // Read once: the fields below must not be rebuilt while the worker types in them.
    let return_id = untrack(|| {
        drafts_of(store, case_id, RecordKind::ReturnEvent)
            .first()
            .map(|d| d.record_id)
    });

    let add_member = move |_| {
        if let Some(h) = household_id {
            store.save_draft(new_draft(
                RecordKind::Member,
                Uuid::now_v7(),
                case_id,
                [("household_id".to_string(), json!(h))].into(),
                None,
            ));
        }
    };
    let save = move |_| {
        let drafts: Vec<Draft> = KINDS.iter().flat_map(|k| drafts_of(store, case_id, *k)).collect();
        let mut ctx = Context::at(Utc::now());
        ctx.members = member_facts(
            drafts
                .iter()
                .filter(|d| d.kind == RecordKind::Member)
                .map(|d| (&d.record_id, &d.fields)),
        );
        let mut found = Vec::new();
        for d in &drafts {
            let what = label(i18n, &format!("k_{}", d.kind.as_str()));
            for e in record::validate(d.kind, &filled(&d.fields), &ctx) {
                found.push((what.clone(), e));
            }
        }
        errors.set(found.clone());
        if found.is_empty() {
            super::finish_and_return(store, drafts, case_id);
        }
    };
    let cancel = move |_| {
        if confirm(t_string!(i18n, confirm_discard_form)) {
            for kind in KINDS {
                for d in drafts_of(store, case_id, kind) {
                    store.discard_draft(d.record_id);
                }
            }
            go(if store.record(case_id).is_some() {
                Screen::Case(case_id)
            } else {
                Screen::Caseload
            });
        }
    };

    view! {
        <form class="card form" data-testid="household-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, household)}</h2>
            <p class="muted small">{t!(i18n, saved_as_you_type)}</p>
            {household_id.map(|h| view! {
                <Field id=h spec=spec!(household, "village") />
                <Field id=h spec=spec!(household, "address") />
                <Field id=h spec=spec!(household, "phone") input_type="tel" />
                <Field id=h spec=spec!(household, "notes") />
            })}
            <h3>{t!(i18n, members)}</h3>
            // Keyed: typing in one person's fields must not rebuild the others (or this one).
            <For each=members key=|d| d.record_id let:m>
                {
                    let id = m.record_id;
                    let is_new = m.base_version.is_none() && store.record(id).is_none();
                    let number = move || members().iter().position(|x| x.record_id == id).map_or(0, |i| i + 1);
                    view! {
                        <fieldset class="member" data-testid="member">
                            <legend>{t!(i18n, person)} " " {number}</legend>
                            <Field id spec=spec!(member, "first_name") />
                            <Field id spec=spec!(member, "last_name") />
                            <Field id spec=spec!(member, "birth_date") />
                            <Field id spec=spec!(member, "sex") />
                            <Field id spec=spec!(member, "relationship") />
                            <Field id spec=spec!(member, "personal_number") />
                            <LanguagesField id />
                            <Field id spec=spec!(member, "phone") input_type="tel" />
                            {is_new.then(|| view! {
                                <button type="button" class="link" on:click=move |_| store.discard_draft(id)>{t!(i18n, remove_person)}</button>
                            })}
                        </fieldset>
                    }
                }
            </For>
            <button type="button" class="secondary" data-testid="add-member" on:click=add_member>{t!(i18n, add_person)}</button>
            <h3>{t!(i18n, return_or_decision)}</h3>
            {return_id.map(|r| view! {
                <Field id=r spec=spec!(return_event, "category") />
                <Field id=r spec=spec!(return_event, "country") />
                <Field id=r spec=spec!(return_event, "event_date") />
                <Field id=r spec=spec!(return_event, "event_time") />
                <Field id=r spec=spec!(return_event, "airport_registration") />
                <ReturnMembers id=r case_id />
            })}
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}

/// Languages spoken, typed as a comma-separated list.
#[component]
fn LanguagesField(id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || label(i18n, "f_languages")}</span>
            <input
                type="text"
                data-field=LANGUAGES
                prop:value=move || field_text(store, id, LANGUAGES)
                on:change=move |ev| {
                    let list: Vec<Value> = event_target_value(&ev)
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_string()))
                        .collect();
                    set_field(store, id, LANGUAGES, Value::Array(list));
                }
            />
        </label>
    }
}

/// Which members came back (or received the decision).
#[component]
fn ReturnMembers(id: Uuid, case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let chosen = move || -> Vec<String> {
        super::inputs::field_value(store, id, MEMBERS)
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    view! {
        <fieldset>
            <legend>{move || label(i18n, "f_members")}</legend>
            {move || drafts_of(store, case_id, RecordKind::Member).into_iter().map(|m| {
                let mid = m.record_id.to_string();
                let name = crate::domain::record::Member::read(&m.fields).full_name();
                let checked = chosen().contains(&mid);
                view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=checked on:change=move |ev| {
                            let mut list = chosen();
                            list.retain(|x| *x != mid);
                            if event_target_checked(&ev) { list.push(mid.clone()); }
                            set_field(store, id, MEMBERS, Value::Array(list.into_iter().map(Value::String).collect()));
                        } />
                        <span>{name}</span>
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}
