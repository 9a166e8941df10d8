//! The needs-assessment form, drawn from its versioned definition: household questions once,
//! child and adult questions per member, skip logic from the definition, identified needs with
//! their priority, the parties' signatures and photos of documents.

use super::inputs::Problems;
use super::visit::open_draft;
use super::{confirm, go, Screen};
use crate::domain::assessment::{self, is_shown, Answer, Question, Scope, Section, PRIORITIES};
use crate::domain::record::TypedRecord;
use crate::domain::record::{self, Attachment, Context};
use crate::domain::{FieldError, RecordKind};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::{filled, member_facts, Draft};
use crate::phone::store::{of_case, PhoneStore};
use crate::spec;
use chrono::Utc;
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use uuid::Uuid;

const ANSWERS: &str = spec!(assessment_record, "answers").name;
const OWNER_ID: &str = spec!(attachment, "owner_id").name;

fn answers(store: PhoneStore, id: Uuid) -> Value {
    store
        .drafts
        .with(|d| d.get(&id).and_then(|d| d.fields.get(ANSWERS).cloned()))
        .unwrap_or_else(|| json!({ "household": {}, "members": {}, "needs": [] }))
}

fn scope_answers(all: &Value, member: Option<Uuid>) -> Map<String, Value> {
    let v = match member {
        None => all.get("household"),
        Some(m) => all.get("members").and_then(|x| x.get(m.to_string())),
    };
    v.and_then(Value::as_object).cloned().unwrap_or_default()
}

fn update_answers(store: PhoneStore, id: Uuid, f: impl FnOnce(&mut Value)) {
    let Some(mut draft) = store.draft(id) else { return };
    let mut all = draft.fields.get(ANSWERS).cloned().unwrap_or_else(|| json!({}));
    if !all.is_object() {
        all = json!({});
    }
    f(&mut all);
    draft.fields.insert(ANSWERS.into(), all);
    draft.updated_at = Utc::now();
    store.save_draft(draft);
}

/// Sets one answer; answers the skip logic now hides are removed with it, so the form never
/// keeps (or sends) an answer to a question that does not apply.
fn set_answer(store: PhoneStore, id: Uuid, member: Option<Uuid>, question: &Question, value: Value) {
    let form = assessment::current();
    update_answers(store, id, |all| {
        let obj = all.as_object_mut().expect("object");
        let scope = match member {
            None => obj.entry("household").or_insert_with(|| json!({})),
            Some(m) => obj
                .entry("members")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .map(|ms| ms.entry(m.to_string()).or_insert_with(|| json!({})))
                .expect("members object"),
        };
        let Some(map) = scope.as_object_mut() else { return };
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            map.remove(question.key);
        } else {
            map.insert(question.key.to_string(), value);
        }
        for q in form.questions_for(question.scope) {
            if map.contains_key(q.key) && !is_shown(q, map) {
                map.remove(q.key);
            }
        }
    });
}

#[component]
pub fn AssessmentForm(case_id: Uuid, assessment_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    open_draft(store, RecordKind::Assessment, assessment_id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    // Kept apart from the rest of the phone's records: the people's answers are drawn again only
    // when the people change, never when something else is saved or sent (a redraw under the
    // worker's finger loses the tap or the focus).
    let members = Memo::new(move |_| of_case(&store.local(), case_id, RecordKind::Member));
    let members = move || members.get();
    let attachment_drafts = move || -> Vec<Draft> { super::inputs::owned_drafts(store, assessment_id) };
    let kept_attachments = move || {
        of_case(&store.local(), case_id, RecordKind::Attachment)
            .into_iter()
            .filter(|a| a.fields.get(OWNER_ID) == Some(&json!(assessment_id)))
            .collect::<Vec<_>>()
    };
    let save = move |_| {
        let Some(mut draft) = store.draft(assessment_id) else {
            return;
        };
        draft.fields.insert(
            "completed_at".into(),
            json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        );
        let mut ctx = Context::at(Utc::now());
        let ms = members();
        ctx.members = member_facts(ms.iter().map(|m| (&m.id, &m.fields)));
        let mut found: Vec<(String, FieldError)> =
            record::validate(RecordKind::Assessment, &filled(&draft.fields), &ctx)
                .into_iter()
                .map(|e| (label(i18n, "k_assessment"), e))
                .collect();
        let attachments = attachment_drafts();
        for a in &attachments {
            found.extend(
                record::validate(RecordKind::Attachment, &a.fields, &ctx)
                    .into_iter()
                    .map(|e| (label(i18n, "k_attachment"), e)),
            );
        }
        errors.set(found.clone());
        if found.is_empty() {
            let mut all = vec![draft];
            all.extend(attachments);
            super::finish_and_return(store, all, case_id);
        }
    };
    let cancel = move |_| {
        if confirm(t_string!(i18n, confirm_discard_form)) {
            store.discard_draft(assessment_id);
            for a in attachment_drafts() {
                store.discard_draft(a.record_id);
            }
            go(Screen::Case(case_id));
        }
    };
    let today = crate::domain::follow_up::local_today(Utc::now());
    view! {
        <form class="card form" data-testid="assessment-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, needs_assessment)}</h2>
            <p class="muted small">{t!(i18n, saved_as_you_type)} " · " {t!(i18n, form_version)} " " {assessment::current().version}</p>
            {Section::ALL.into_iter().map(|section| view! {
                <fieldset class="section" data-section=section.as_str()>
                    <legend>{move || label(i18n, &format!("s_{}", section.as_str()))}</legend>
                    <Questions id=assessment_id section scope=Scope::Household member=None />
                    {move || members().into_iter().map(|m| {
                        let facts = member_facts(std::iter::once((&m.id, &m.fields)));
                        let scope = if facts[0].is_adult_on(today) { Scope::Adult } else { Scope::Child };
                        let has = assessment::current().questions_for(scope).any(|q| q.section == section);
                        has.then(|| view! {
                            <div class="member-answers">
                                <p class="eyebrow">{crate::domain::record::Member::read(&m.fields).full_name()}</p>
                                <Questions id=assessment_id section scope member=Some(m.id) />
                            </div>
                        })
                    }).collect_view()}
                </fieldset>
            }).collect_view()}
            <Needs id=assessment_id />
            <fieldset class="section">
                <legend>{t!(i18n, signatures_and_documents)}</legend>
                <ul class="list" data-testid="attachments">
                    {move || attachment_drafts().into_iter().map(|a| a.fields).chain(kept_attachments().into_iter().map(|a| a.fields)).map(|f| {
                        let a = Attachment::read(&f);
                        let purpose = a.purpose.unwrap_or_default();
                        let size = a.size.unwrap_or_default();
                        view! { <li>{move || label(i18n, &format!("c_{purpose}"))} ": " {a.label} " (" {move || crate::i18n_support::bytes_with(&|k: &str| label(i18n, k), size)} ")"</li> }
                    }).collect_view()}
                </ul>
                <SignaturePad owner=assessment_id case_id />
                <PhotoInput owner=assessment_id case_id />
            </fieldset>
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}

#[component]
fn Questions(id: Uuid, section: Section, scope: Scope, member: Option<Uuid>) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let form = assessment::current();
    form.questions()
        .filter(move |q| q.section == section && q.scope == scope)
        .map(|q| {
            let shown = move || is_shown(q, &scope_answers(&answers(store, id), member));
            let current = move || scope_answers(&answers(store, id), member).get(q.key).cloned().unwrap_or(Value::Null);
            let name = format!("{id}-{}-{}", member.map(|m| m.to_string()).unwrap_or_default(), q.key);
            let control = match q.answer {
                Answer::YesNo => {
                    let (n1, n2) = (name.clone(), name.clone());
                    view! {
                        <span class="yesno">
                            <label class="check"><input type="radio" name=n1 value="yes" prop:checked=move || current() == Value::Bool(true)
                                on:change=move |_| set_answer(store, id, member, q, Value::Bool(true)) />{t!(i18n, yes)}</label>
                            <label class="check"><input type="radio" name=n2 value="no" prop:checked=move || current() == Value::Bool(false)
                                on:change=move |_| set_answer(store, id, member, q, Value::Bool(false)) />{t!(i18n, no)}</label>
                        </span>
                    }
                    .into_any()
                }
                Answer::Choice(choices) => view! {
                    <select prop:value=move || current().as_str().unwrap_or_default().to_string()
                        on:change=move |ev| set_answer(store, id, member, q, Value::String(event_target_value(&ev)))>
                        <option value="">"—"</option>
                        {choices.iter().map(|c| { let c = *c; view! {
                            <option value=c selected=move || current().as_str() == Some(c)>{move || label(i18n, &format!("c_{c}"))}</option>
                        }}).collect_view()}
                    </select>
                }
                .into_any(),
                Answer::Text => view! {
                    <input type="text" prop:value=move || current().as_str().unwrap_or_default().to_string()
                        on:input=move |ev| set_answer(store, id, member, q, Value::String(event_target_value(&ev))) />
                }
                .into_any(),
                Answer::Number { min, max } => view! {
                    <input type="number" min=min max=max step="1" prop:value=move || current().as_i64().map(|n| n.to_string()).unwrap_or_default()
                        on:input=move |ev| {
                            let v = event_target_value(&ev).trim().parse::<i64>().map_or(Value::Null, |n| json!(n));
                            set_answer(store, id, member, q, v);
                        } />
                }
                .into_any(),
            };
            // Hidden, not removed: the controls keep their state while the skip logic hides them.
            view! {
                <div class="field question" data-q=q.key hidden=move || !shown()>
                    <span>{move || label(i18n, &format!("q_{}", q.key))} {q.required.then_some(" *")}</span>
                    {control}
                </div>
            }
        })
        .collect_view()
}

/// An edit of the list of identified needs.
type NeedsEdit = Box<dyn FnOnce(&mut Vec<Value>)>;

#[component]
fn Needs(id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let needs = move || {
        answers(store, id)
            .get("needs")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let edit = move |f: NeedsEdit| {
        update_answers(store, id, |all| {
            let mut list = all.get("needs").and_then(Value::as_array).cloned().unwrap_or_default();
            f(&mut list);
            all["needs"] = Value::Array(list);
        });
    };
    let add = move |_| {
        edit(Box::new(|l| {
            l.push(json!({ "section": "housing", "priority": "high", "note": "" }))
        }))
    };
    view! {
        <fieldset class="section" data-testid="needs">
            <legend>{t!(i18n, identified_needs)}</legend>
            {move || needs().into_iter().enumerate().map(|(i, n)| {
                let section = n["section"].as_str().unwrap_or_default().to_string();
                let priority = n["priority"].as_str().unwrap_or_default().to_string();
                let note = n["note"].as_str().unwrap_or_default().to_string();
                let set = move |k: &'static str, v: String| edit(Box::new(move |l| { if let Some(x) = l.get_mut(i) { x[k] = json!(v); } }));
                view! {
                    <div class="need row">
                        <select data-testid="need-section" on:change=move |ev| set("section", event_target_value(&ev))>
                            {Section::ALL.iter().map(|s| { let s = s.as_str(); let sel = s == section; view! {
                                <option value=s selected=sel>{move || label(i18n, &format!("s_{s}"))}</option>
                            }}).collect_view()}
                        </select>
                        <select data-testid="need-priority" on:change=move |ev| set("priority", event_target_value(&ev))>
                            {PRIORITIES.iter().map(|p| { let p = *p; let sel = p == priority; view! {
                                <option value=p selected=sel>{move || label(i18n, &format!("c_{p}"))}</option>
                            }}).collect_view()}
                        </select>
                        <input type="text" data-testid="need-note" prop:value=note on:change=move |ev| set("note", event_target_value(&ev)) />
                        <button type="button" class="link" on:click=move |_| edit(Box::new(move |l| { if i < l.len() { l.remove(i); } }))>{t!(i18n, remove)}</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="secondary" data-testid="add-need" on:click=add>{t!(i18n, add_need)}</button>
        </fieldset>
    }
}

/// Creates the attachment record (as a draft, sent with the assessment) and keeps the bytes.
#[cfg(feature = "hydrate")]
async fn keep_attachment(
    store: PhoneStore,
    owner: Uuid,
    case_id: Uuid,
    purpose: &str,
    label: String,
    content_type: &str,
    bytes: Vec<u8>,
) {
    let Ok(sha) = crate::phone::media::sha256_hex(&bytes).await else {
        return;
    };
    let id = Uuid::now_v7();
    let fields = crate::domain::record::Attachment {
        owner_id: Some(owner),
        purpose: Some(purpose.to_string()),
        label,
        sha256: sha.clone(),
        content_type: Some(content_type.to_string()),
        size: i64::try_from(bytes.len()).ok(),
    }
    .to_fields();
    store.add_blob(sha, bytes, id);
    store.save_draft(super::inputs::new_draft(
        RecordKind::Attachment,
        id,
        case_id,
        fields,
        None,
    ));
}

#[component]
pub(super) fn SignaturePad(owner: Uuid, case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let who = RwSignal::new(String::new());
    let drawn = RwSignal::new(false);
    let drawing = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let ctx = move || {
        use wasm_bindgen::JsCast;
        canvas
            .get()
            .and_then(|c| c.get_context("2d").ok().flatten())
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    };
    let point = move |ev: &leptos::ev::PointerEvent| (ev.offset_x() as f64, ev.offset_y() as f64);
    let down = move |ev: leptos::ev::PointerEvent| {
        drawing.set(true);
        #[cfg(feature = "hydrate")]
        if let Some(c) = ctx() {
            let (x, y) = point(&ev);
            c.set_line_width(2.5);
            c.begin_path();
            c.move_to(x, y);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = point(&ev);
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        ev.prevent_default();
        drawn.set(true);
        #[cfg(feature = "hydrate")]
        if let Some(c) = ctx() {
            let (x, y) = point(&ev);
            c.line_to(x, y);
            c.stroke();
        }
    };
    let clear = move |_| {
        drawn.set(false);
        #[cfg(feature = "hydrate")]
        if let (Some(c), Some(el)) = (ctx(), canvas.get()) {
            c.clear_rect(0.0, 0.0, el.width() as f64, el.height() as f64);
        }
    };
    let keep = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = canvas.get() {
            let name = who.get_untracked();
            leptos::task::spawn_local(async move {
                if let Ok(bytes) = crate::phone::media::canvas_bytes(&el, "image/png", 1.0).await {
                    keep_attachment(store, owner, case_id, "signature", name, "image/png", bytes).await;
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (store, owner, case_id);
        clear(());
        who.set(String::new());
    };
    view! {
        <div class="signature" data-testid="signature">
            <label class="field">
                <span>{t!(i18n, who_signs)}</span>
                <input type="text" data-testid="signer" prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev)) />
            </label>
            <canvas
                node_ref=canvas
                width="280"
                height="150"
                class="pad"
                data-testid="signature-pad"
                on:pointerdown=down
                on:pointermove=moved
                on:pointerup=move |_| drawing.set(false)
                on:pointerleave=move |_| drawing.set(false)
            ></canvas>
            <div class="actions">
                <button type="button" class="secondary" data-testid="keep-signature" disabled=move || !drawn.get() || who.get().trim().is_empty() on:click=keep>
                    {t!(i18n, keep_signature)}
                </button>
                <button type="button" class="link" on:click=move |_| clear(())>{t!(i18n, clear)}</button>
            </div>
        </div>
    }
}

#[component]
fn PhotoInput(owner: Uuid, case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let what = RwSignal::new(String::new());
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
            let Some(input) = input else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let name = what.get_untracked();
            let name = if name.trim().is_empty() { file.name() } else { name };
            input.set_value("");
            leptos::task::spawn_local(async move {
                if let Ok(bytes) = crate::phone::media::downscale_photo(&file).await {
                    keep_attachment(store, owner, case_id, "document_photo", name, "image/jpeg", bytes).await;
                }
            });
            what.set(String::new());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, store, owner, case_id);
    };
    view! {
        <div class="photo">
            <label class="field">
                <span>{t!(i18n, document_name)}</span>
                <input type="text" prop:value=move || what.get() on:input=move |ev| what.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, take_photo)}</span>
                <input type="file" accept="image/*" capture="environment" data-testid="photo-input" on:change=on_file />
            </label>
        </div>
    }
}
