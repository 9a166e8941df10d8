//! Housing, claims and the end of a case on the phone, offline like every record: the housing
//! track (situation and rent, applications to the commission with their decisions, the 12-month
//! housing review), the claims and benefits register, the social anamnesis report, the final
//! assessment, the closure request with the supervisor's decision, and reopening (online).
//! Their forms are drawn from each kind's schema by one [`RecordForm`].

use super::assessment::SignaturePad;
use super::inputs::{discard_one, field_value, new_draft, save_one, set_field, Field, Problems};
use super::plan::{may, print};
use super::visit::open_draft;
use super::{go, Screen};
use crate::domain::access::Action;
use crate::domain::closure::{application_hash, closure_hash, final_assessment_opens, CaseEnd};
use crate::domain::follow_up::{facts_from_records, local_today};
use crate::domain::record::{
    Anamnesis, Assessment, Attachment, Benefit, Case, Closure, ClosureDecision, CommissionDecision, Context, FieldSpec,
    FieldType, FinalAssessment, Housing, HousingApplication, HousingReview, Member, TypedRecord,
};
use crate::domain::{FieldError, Problem, RecordKind};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::{member_facts, LocalRecord};
use crate::phone::store::{of_case, PhoneStore};
use crate::spec;
use chrono::{NaiveDate, SubsecRound, Utc};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use serde_json::Value;
use uuid::Uuid;

const HOUSING_FORM: &[&FieldSpec] = &[
    spec!(housing, "situation"),
    spec!(housing, "rent_from"),
    spec!(housing, "rent_to"),
    spec!(housing, "rent_monthly"),
    spec!(housing, "landlord"),
    spec!(housing, "notes"),
];
const APPLICATION_FORM: &[&FieldSpec] = &[
    spec!(housing_application, "kind"),
    spec!(housing_application, "applied_on"),
    spec!(housing_application, "documents"),
    spec!(housing_application, "appealed_on"),
    spec!(housing_application, "executed_on"),
    spec!(housing_application, "notes"),
];
const COMMISSION_FORM: &[&FieldSpec] = &[
    spec!(commission_decision, "body"),
    spec!(commission_decision, "decision"),
    spec!(commission_decision, "reason"),
    spec!(commission_decision, "decided_on"),
];
const HOUSING_REVIEW_FORM: &[&FieldSpec] = &[
    spec!(housing_review, "done_on"),
    spec!(housing_review, "after_rent"),
    spec!(housing_review, "notes"),
];
const BENEFIT_FORM: &[&FieldSpec] = &[
    spec!(benefit, "member_id"),
    spec!(benefit, "scheme"),
    spec!(benefit, "service_id"),
    spec!(benefit, "applied_on"),
    spec!(benefit, "outcome"),
    spec!(benefit, "decided_on"),
    spec!(benefit, "amount"),
    spec!(benefit, "period_from"),
    spec!(benefit, "period_to"),
    spec!(benefit, "notes"),
];
const ANAMNESIS_FORM: &[&FieldSpec] = &[
    spec!(anamnesis, "written_on"),
    spec!(anamnesis, "family_history"),
    spec!(anamnesis, "current_situation"),
    spec!(anamnesis, "needs"),
    spec!(anamnesis, "opinion"),
];
const FINAL_FORM: &[&FieldSpec] = &[
    spec!(final_assessment, "done_on"),
    spec!(final_assessment, "documents"),
    spec!(final_assessment, "housing"),
    spec!(final_assessment, "education"),
    spec!(final_assessment, "health"),
    spec!(final_assessment, "psychosocial"),
    spec!(final_assessment, "employment"),
    spec!(final_assessment, "social_assistance"),
    spec!(final_assessment, "overall"),
    spec!(final_assessment, "notes"),
];
const CLOSURE_FORM: &[&FieldSpec] = &[
    spec!(closure, "reason"),
    spec!(closure, "to_municipality_id"),
    spec!(closure, "note"),
];

/// The fields a person fills on the form of `kind` (the rest are set when the record is made).
pub(crate) fn form_fields(kind: RecordKind) -> &'static [&'static FieldSpec] {
    match kind {
        RecordKind::Housing => HOUSING_FORM,
        RecordKind::HousingApplication => APPLICATION_FORM,
        RecordKind::CommissionDecision => COMMISSION_FORM,
        RecordKind::HousingReview => HOUSING_REVIEW_FORM,
        RecordKind::Benefit => BENEFIT_FORM,
        RecordKind::Anamnesis => ANAMNESIS_FORM,
        RecordKind::FinalAssessment => FINAL_FORM,
        RecordKind::Closure => CLOSURE_FORM,
        RecordKind::Vulnerability => super::protection::VULNERABILITY_FORM,
        k => super::school::form_fields(k),
    }
}

fn case_records(store: PhoneStore, case_id: Uuid) -> Vec<LocalRecord> {
    store.local().into_iter().filter(|r| r.case_id == case_id).collect()
}

fn end_of(records: &[LocalRecord]) -> CaseEnd {
    CaseEnd::read(records.iter().map(|r| (r.kind, r.id, &r.fields)))
}

fn returned_on(records: &[LocalRecord], case_id: Uuid) -> Option<NaiveDate> {
    facts_from_records(case_id, records.iter().map(|r| (r.kind, r.id, &r.fields))).returned_on
}

fn person_name(records: &[LocalRecord], id: Option<Uuid>) -> String {
    records
        .iter()
        .find(|r| r.kind == RecordKind::Member && Some(r.id) == id)
        .map(|r| Member::read(&r.fields).full_name())
        .unwrap_or_default()
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn choice(i18n: I18nContext<Locale>, value: Option<&str>) -> String {
    value.map(|v| label(i18n, &format!("c_{v}"))).unwrap_or_default()
}

/// Starts a new record of `kind` with `fields` and opens its form.
fn start(store: PhoneStore, kind: RecordKind, case_id: Uuid, fields: crate::domain::Fields) {
    start_with(store, kind, case_id, Uuid::now_v7(), fields);
}

/// A new record of `kind` with ID `id` (its own case ID for a root), opened on its form.
pub(super) fn start_with(store: PhoneStore, kind: RecordKind, case_id: Uuid, id: Uuid, fields: crate::domain::Fields) {
    store.save_draft(new_draft(kind, id, case_id, fields, None));
    go(Screen::Form(kind, case_id, id));
}

/// A field naming another record by ID, chosen from a list (a person, a service, a municipality).
#[component]
fn IdChoice(id: Uuid, spec: &'static FieldSpec, options: Signal<Vec<(Uuid, String)>>) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let key = spec.name;
    let current = move || {
        field_value(store, id, key)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    view! {
        <label class="field">
            <span>{move || label(i18n, &format!("f_{key}"))} {spec.required.then_some(" *")}</span>
            <select name=key data-field=key on:change=move |ev| set_field(store, id, key, Value::String(event_target_value(&ev)))>
                <option value="">"—"</option>
                {move || options.get().into_iter().map(|(oid, name)| {
                    let v = oid.to_string();
                    let selected = current() == v;
                    view! { <option value=v selected=selected>{name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// A field naming several records by ID, ticked from a list (the children a meeting discussed).
#[component]
fn IdChecks(id: Uuid, spec: &'static FieldSpec, options: Signal<Vec<(Uuid, String)>>) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let key = spec.name;
    let chosen = move || -> Vec<String> {
        field_value(store, id, key)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    };
    let toggle = move |oid: String, on: bool| {
        let mut list = chosen();
        list.retain(|x| *x != oid);
        if on {
            list.push(oid);
        }
        set_field(store, id, key, serde_json::json!(list));
    };
    view! {
        <fieldset class="field" data-field=key>
            <legend>{move || label(i18n, &format!("f_{key}"))}</legend>
            {move || options.get().into_iter().map(|(oid, name)| {
                let v = oid.to_string();
                let checked = chosen().contains(&v);
                view! {
                    <label class="check">
                        <input type="checkbox" checked=checked on:change=move |ev| toggle(v.clone(), event_target_checked(&ev)) />
                        " " {name}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The form of one housing, claims or closure record (`#form/<kind>/<case>/<id>`), its controls
/// drawn from the kind's schema.
#[component]
pub fn RecordForm(kind: RecordKind, case_id: Uuid, id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    open_draft(store, kind, id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let records = move || case_records(store, case_id);
    let members = Signal::derive(move || {
        of_case(&store.local(), case_id, RecordKind::Member)
            .into_iter()
            .map(|m| (m.id, Member::read(&m.fields)))
            .filter(|(_, m)| m.merged_into.is_none())
            .map(|(id, m)| (id, m.full_name()))
            .collect()
    });
    let services = Signal::derive(move || {
        let locale = i18n.get_locale().as_str();
        store.services.with(|all| {
            all.iter()
                .filter(|s| !s.retired)
                .map(|s| (s.id, s.names.in_locale(locale).to_string()))
                .collect()
        })
    });
    let municipalities =
        Signal::derive(move || store.municipalities.get().into_iter().map(|m| (m.id, m.name)).collect());
    let schools = Signal::derive(move || {
        store
            .schools
            .get()
            .into_iter()
            .filter(|s| !s.retired)
            .map(|s| (s.id, s.name))
            .collect()
    });
    let children = Signal::derive(move || {
        let mut all: Vec<(Uuid, String)> = store
            .local()
            .into_iter()
            .filter(|r| r.kind == RecordKind::Schooling)
            .map(|r| (r.id, crate::domain::record::Schooling::read(&r.fields).name()))
            .collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        all
    });
    let meetings = Signal::derive(move || {
        let mut all: Vec<(Uuid, String)> = store
            .local()
            .into_iter()
            .filter(|r| r.kind == RecordKind::TeamMeeting)
            .map(|r| {
                let m = crate::domain::record::TeamMeeting::read(&r.fields);
                (r.id, m.held_on.map(|d| d.to_string()).unwrap_or_default())
            })
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1));
        all
    });
    let back = move || super::return_to(store.draft(id).as_ref(), case_id).href();
    let save = move |_| {
        let mut ctx = Context::at(Utc::now());
        let ms = of_case(&store.local(), case_id, RecordKind::Member);
        ctx.members = member_facts(ms.iter().map(|m| (&m.id, &m.fields)));
        // The server's rule, said here before the form is queued.
        if kind == RecordKind::FinalAssessment {
            let done = store.draft(id).and_then(|d| FinalAssessment::read(&d.fields).done_on);
            if let (Some(done), Some(returned)) = (done, returned_on(&records(), case_id)) {
                if done < final_assessment_opens(returned) {
                    errors.set(vec![(
                        label(i18n, "k_final_assessment"),
                        FieldError::new("done_on", Problem::TooEarly),
                    )]);
                    return;
                }
            }
        }
        save_one(store, i18n, id, case_id, &ctx, errors);
    };
    let cancel = move |_| discard_one(store, i18n, id, case_id);
    let signatures = move || {
        of_case(&store.local(), case_id, RecordKind::Attachment)
            .into_iter()
            .map(|a| Attachment::read(&a.fields))
            .filter(|a| a.owner_id == Some(id))
            .chain(
                super::inputs::owned_drafts(store, id)
                    .iter()
                    .map(|d| Attachment::read(&d.fields)),
            )
            .map(|a| a.label)
            .collect::<Vec<_>>()
    };
    let controls = form_fields(kind)
        .iter()
        .map(|spec| match (spec.ty, spec.name) {
            (FieldType::Id, "member_id") => view! { <IdChoice id spec options=members /> }.into_any(),
            (FieldType::Id, "service_id") => view! { <IdChoice id spec options=services /> }.into_any(),
            (FieldType::Id, "school_id") => view! { <IdChoice id spec options=schools /> }.into_any(),
            (FieldType::IdList, "children") => view! { <IdChecks id spec options=children /> }.into_any(),
            // A decision of a team meeting: the meeting it was taken at.
            (FieldType::Id, "meeting_id") => view! { <IdChoice id spec options=meetings /> }.into_any(),
            // Only a move names a municipality.
            (FieldType::Id, _) => {
                let moving = move || {
                    field_value(store, id, spec!(closure, "reason").name).and_then(|v| v.as_str().map(str::to_string))
                        == Some("moved_municipality".into())
                };
                view! { <Show when=moving><IdChoice id spec options=municipalities /></Show> }.into_any()
            }
            _ => view! { <Field id spec /> }.into_any(),
        })
        .collect_view();
    view! {
        <form class="card form" data-testid=format!("form-{}", kind.as_str()) on:submit=|ev| ev.prevent_default()>
            <a rel="external" href=back>
                {move || if kind.is_school() { t_string!(i18n, back).to_string() } else { t_string!(i18n, back_to_case).to_string() }}
            </a>
            <h2>{move || label(i18n, &format!("k_{}", kind.as_str()))}</h2>
            <p class="muted small">{t!(i18n, saved_as_you_type)}</p>
            {controls}
            {(kind == RecordKind::Anamnesis).then(|| view! {
                <fieldset class="section">
                    <legend>{t!(i18n, signature_social_worker)}</legend>
                    <ul class="list" data-testid="signatures">
                        {move || signatures().into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                    </ul>
                    <SignaturePad owner=id case_id />
                </fieldset>
            })}
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}

/// The housing track and the claims register of a case (`#housing/<case>`).
#[component]
pub fn HousingView(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = Memo::new(move |_| case_records(store, case_id));
    let of = move |kind: RecordKind| records.get().into_iter().filter(move |r| r.kind == kind);
    let housing = move || of(RecordKind::Housing).next();
    let may_decide = move || may(store, case_id, Action::RecordCommissionDecision);
    let may_claim = move || may(store, case_id, Action::RegisterClaims);
    let today = move || local_today(Utc::now());
    let edit_housing = move |_| match housing() {
        Some(h) => go(Screen::Form(RecordKind::Housing, case_id, h.id)),
        None => start(store, RecordKind::Housing, case_id, Default::default()),
    };
    let new_application = move |_| {
        let a = HousingApplication {
            applied_on: Some(today()),
            ..Default::default()
        };
        start(store, RecordKind::HousingApplication, case_id, a.to_fields());
    };
    let decide = move |application: LocalRecord, body: &'static str| {
        let a = HousingApplication::read(&application.fields);
        let d = CommissionDecision {
            application_id: Some(application.id),
            application_hash: application_hash(&a),
            body: Some(body.into()),
            decided_on: Some(today()),
            ..Default::default()
        };
        start(store, RecordKind::CommissionDecision, case_id, d.to_fields());
    };
    let new_review = move |_| {
        let r = HousingReview {
            done_on: Some(today()),
            ..Default::default()
        };
        start(store, RecordKind::HousingReview, case_id, r.to_fields());
    };
    let new_claim = move |_| {
        let b = Benefit {
            applied_on: Some(today()),
            outcome: Some("pending".into()),
            ..Default::default()
        };
        start(store, RecordKind::Benefit, case_id, b.to_fields());
    };
    view! {
        <section class="card" data-testid="housing-view">
            <a rel="external" href=Screen::Case(case_id).href()>{t!(i18n, back_to_case)}</a>
            <h2>{t!(i18n, housing_track)}</h2>
            <div data-testid="housing">
                {move || match housing().map(|h| Housing::read(&h.fields)) {
                    None => view! { <p class="muted">{t!(i18n, no_housing_yet)}</p> }.into_any(),
                    Some(h) => view! {
                        <p>
                            <strong>{choice(i18n, h.situation.as_deref())}</strong>
                            {h.rent_from.map(|from| view! {
                                <br /> {t!(i18n, rent_paid_by_programme)} ": " {from.to_string()} " – " {day(h.rent_to)}
                                {h.rent_monthly.map(|m| format!(" · {m:.2} €"))}
                                {h.landlord.clone().map(|l| format!(" · {l}"))}
                            })}
                        </p>
                    }.into_any(),
                }}
                <button type="button" class="secondary" data-testid="edit-housing" on:click=edit_housing>{t!(i18n, edit_housing_situation)}</button>
            </div>
            <h3>{t!(i18n, applications_to_commission)}</h3>
            <ul class="list" data-testid="applications">
                {move || {
                    let all = records.get();
                    of(RecordKind::HousingApplication).map(|app| {
                        let a = HousingApplication::read(&app.fields);
                        let decisions: Vec<CommissionDecision> = all.iter()
                            .filter(|r| r.kind == RecordKind::CommissionDecision)
                            .map(|r| CommissionDecision::read(&r.fields))
                            .filter(|d| d.application_id == Some(app.id))
                            .collect();
                        let first = decisions.iter().find(|d| !d.on_appeal()).cloned();
                        let appeal = decisions.iter().find(|d| d.on_appeal()).cloned();
                        let can_appeal = first.as_ref().is_some_and(|d| !d.approves()) && a.appealed_on.is_some() && appeal.is_none();
                        let (for_first, for_appeal) = (app.clone(), app.clone());
                        let kind = a.kind.clone();
                        view! {
                            <li data-testid="application">
                                <a rel="external" href=Screen::Form(RecordKind::HousingApplication, case_id, app.id).href()>
                                    {choice(i18n, kind.as_deref())} " · " {day(a.applied_on)}
                                </a>
                                <span class="muted small">" · " {a.documents.len()} " " {t!(i18n, documents_count)}</span>
                                {decisions.into_iter().map(|d| view! {
                                    <br />
                                    <span class="badge" data-testid="commission-decision" data-decision=d.decision.clone().unwrap_or_default()>
                                        {choice(i18n, d.body.as_deref())} ": " {choice(i18n, d.decision.as_deref())} " · " {day(d.decided_on)}
                                    </span>
                                    {d.reason.clone().map(|r| view! { <span class="muted small">" " {r}</span> })}
                                }).collect_view()}
                                {a.executed_on.map(|e| view! { <br /> <span class="muted small">{t!(i18n, f_executed_on)} " " {e.to_string()}</span> })}
                                {(may_decide() && first.is_none()).then(|| view! {
                                    <br /><button type="button" class="secondary" data-testid="enter-decision" on:click=move |_| decide(for_first.clone(), "commission")>{t!(i18n, enter_commission_decision)}</button>
                                })}
                                {(may_decide() && can_appeal).then(|| view! {
                                    <br /><button type="button" class="secondary" data-testid="enter-appeal-decision" on:click=move |_| decide(for_appeal.clone(), "appeals_commission")>{t!(i18n, enter_appeal_decision)}</button>
                                })}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <div class="actions">
                <button type="button" class="secondary" data-testid="new-application" on:click=new_application>{t!(i18n, new_application)}</button>
            </div>
            <h3>{t!(i18n, k_housing_review)}</h3>
            <ul class="list" data-testid="housing-reviews">
                {move || of(RecordKind::HousingReview).map(|r| {
                    let h = HousingReview::read(&r.fields);
                    view! {
                        <li><a rel="external" href=Screen::Form(RecordKind::HousingReview, case_id, r.id).href()>
                            {day(h.done_on)} " · " {choice(i18n, h.after_rent.as_deref())}
                        </a></li>
                    }
                }).collect_view()}
            </ul>
            <div class="actions">
                <button type="button" class="secondary" data-testid="new-housing-review" on:click=new_review>{t!(i18n, fill_housing_review)}</button>
            </div>
            <h3>{t!(i18n, claims_register)}</h3>
            <ul class="list" data-testid="claims">
                {move || {
                    let all = records.get();
                    of(RecordKind::Benefit).map(|r| {
                        let b = Benefit::read(&r.fields);
                        view! {
                            <li data-testid="claim">
                                <a rel="external" href=Screen::Form(RecordKind::Benefit, case_id, r.id).href()>
                                    {person_name(&all, b.member_id)} " · " {choice(i18n, b.scheme.as_deref())}
                                </a>
                                <span class="muted small">
                                    " · " {choice(i18n, b.outcome.as_deref())} " · " {day(b.applied_on)}
                                    {b.amount.map(|a| format!(" · {a:.2} €"))}
                                </span>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            {move || may_claim().then(|| view! {
                <div class="actions">
                    <button type="button" class="secondary" data-testid="new-claim" on:click=new_claim>{t!(i18n, new_claim)}</button>
                </div>
            })}
        </section>
    }
}

/// The end of the case on the case screen: housing and claims, the anamnesis, the final
/// assessment, the closure request and the supervisor's decision, reopening.
#[component]
pub fn CaseEndSection(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = Memo::new(move |_| case_records(store, case_id));
    let end = Memo::new(move |_| records.with(|r| end_of(r)));
    let case = move || {
        records
            .get()
            .iter()
            .find(|r| r.kind == RecordKind::Case)
            .map(|c| Case::read(&c.fields))
            .unwrap_or_default()
    };
    let today = move || local_today(Utc::now());
    let opens = move || records.with(|r| returned_on(r, case_id)).map(final_assessment_opens);
    let finals = move || {
        records
            .get()
            .into_iter()
            .filter(|r| r.kind == RecordKind::FinalAssessment)
            .collect::<Vec<_>>()
    };
    let anamneses = move || {
        records
            .get()
            .into_iter()
            .filter(|r| r.kind == RecordKind::Anamnesis)
            .collect::<Vec<_>>()
    };
    let latest_assessment = move || {
        records
            .get()
            .into_iter()
            .filter(|r| r.kind == RecordKind::Assessment)
            .max_by_key(|a| Assessment::read(&a.fields).completed_at)
    };
    let write_anamnesis = move |_| {
        let Some(a) = latest_assessment() else { return };
        let draft = Anamnesis {
            assessment_id: Some(a.id),
            written_on: Some(today()),
            ..Default::default()
        };
        start(store, RecordKind::Anamnesis, case_id, draft.to_fields());
    };
    let fill_final = move |_| {
        let f = FinalAssessment {
            done_on: Some(today()),
            ..Default::default()
        };
        start(store, RecordKind::FinalAssessment, case_id, f.to_fields());
    };
    let request = move |_| {
        let c = Closure {
            final_assessment_id: finals().last().map(|f| f.id),
            requested_at: Some(Utc::now().trunc_subsecs(0)),
            ..Default::default()
        };
        start(store, RecordKind::Closure, case_id, c.to_fields());
    };
    let comment = RwSignal::new(String::new());
    let decide = move |what: &'static str| {
        let Some((closure_id, closure)) = end.with_untracked(|e| e.pending().map(|(id, c)| (id, c.clone()))) else {
            return;
        };
        let note = comment.get_untracked();
        if what == "returned" && note.trim().is_empty() {
            return;
        }
        let d = ClosureDecision {
            closure_id: Some(closure_id),
            content_hash: closure_hash(&closure),
            decision: Some(what.into()),
            comment: Some(note).filter(|c| !c.trim().is_empty()),
            decided_at: Some(Utc::now().trunc_subsecs(0)),
        };
        let draft = new_draft(
            RecordKind::ClosureDecision,
            Uuid::now_v7(),
            case_id,
            d.to_fields(),
            None,
        );
        super::finish_and_return(store, vec![draft], case_id);
    };
    let reopen_message = RwSignal::new(None::<String>);
    let reopen = move |_| {
        let Some(reason) = super::prompt(t_string!(i18n, reopen_reason_prompt)) else {
            return;
        };
        if reason.trim().is_empty() {
            return;
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::reopen(case_id, reason).await {
                Ok(()) => store.sync(false).await,
                Err(e) => reopen_message.set(Some(super::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (reason, reopen_message);
    };
    let may_request = move || may(store, case_id, Action::RequestClosure);
    let may_decide = move || may(store, case_id, Action::DecideClosure);
    view! {
        <h3>{t!(i18n, case_end)}</h3>
        <div data-testid="case-end">
            {move || {
                let c = case();
                c.is_closed().then(|| {
                    let reason = end.with(|e| e.approved().and_then(|(_, c, _)| c.reason.clone()));
                    view! {
                        <p class="badge" data-testid="case-closed">
                            {t!(i18n, case_closed_on)} " " {day(c.closed_on)} " · " {choice(i18n, reason.as_deref())}
                        </p>
                        {may_decide().then(|| view! {
                            <button type="button" class="secondary" data-testid="reopen" on:click=reopen>{t!(i18n, reopen_case)}</button>
                        })}
                        {move || reopen_message.get().map(|m| view! { <p class="muted small">{m}</p> })}
                    }
                })
            }}
            {move || case().reopen_reason.map(|r| view! { <p class="muted small">{t!(i18n, reopened_because)} " " {r}</p> })}
            {move || case().transferred_from.map(|_| view! { <p class="muted small" data-testid="transferred">{t!(i18n, transferred_here)}</p> })}
            <div class="actions">
                <a rel="external" class="button secondary" data-testid="open-housing" href=Screen::Housing(case_id).href()>{t!(i18n, housing_and_claims)}</a>
                <a rel="external" class="button secondary" data-testid="print-summary" href=Screen::SummaryPrint(case_id).href()>{t!(i18n, case_summary)}</a>
            </div>
            <h4>{t!(i18n, k_anamnesis)}</h4>
            <ul class="list" data-testid="anamneses">
                {move || anamneses().into_iter().map(|r| {
                    let a = Anamnesis::read(&r.fields);
                    view! {
                        <li>
                            <a rel="external" href=Screen::Form(RecordKind::Anamnesis, case_id, r.id).href()>{day(a.written_on)}</a>
                            " · " <a rel="external" data-testid="print-anamnesis" href=Screen::AnamnesisPrint(case_id, r.id).href()>{t!(i18n, print)}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || match latest_assessment().filter(|_| !case().is_closed()) {
                Some(_) => view! {
                    <button type="button" class="secondary" data-testid="write-anamnesis" on:click=write_anamnesis>{t!(i18n, write_anamnesis)}</button>
                }.into_any(),
                None => view! { <p class="muted small">{t!(i18n, anamnesis_needs_assessment)}</p> }.into_any(),
            }}
            <h4>{t!(i18n, k_final_assessment)}</h4>
            {move || {
                let done = finals();
                let open = opens();
                if let Some(f) = done.last() {
                    let fa = FinalAssessment::read(&f.fields);
                    view! {
                        <p data-testid="final-assessment">
                            <a rel="external" href=Screen::Form(RecordKind::FinalAssessment, case_id, f.id).href()>{day(fa.done_on)}</a>
                            " · " {t!(i18n, f_overall)} ": " <strong>{choice(i18n, fa.overall.as_deref())}</strong>
                        </p>
                    }.into_any()
                } else if open.is_some_and(|o| today() >= o) && !case().is_closed() {
                    view! { <button type="button" class="secondary" data-testid="fill-final-assessment" on:click=fill_final>{t!(i18n, fill_final_assessment)}</button> }.into_any()
                } else {
                    view! { <p class="muted small">{t!(i18n, final_assessment_opens_on)} " " {day(open)}</p> }.into_any()
                }
            }}
            <h4>{t!(i18n, k_closure)}</h4>
            {move || {
                let e = end.get();
                let closed = case().is_closed();
                let returned = e.requests.last().and_then(|(_, _, ds)| ds.iter().find(|d| !d.approves()).cloned());
                if let Some((_, c)) = e.pending() {
                    let reason = c.reason.clone();
                    view! {
                        <p><span class="badge warn" data-testid="closure-pending">{t!(i18n, closure_waiting)}</span> " " {choice(i18n, reason.as_deref())}</p>
                        {c.note.clone().map(|n| view! { <p class="muted small">{n}</p> })}
                        {may_decide().then(|| view! {
                            <div class="decide" data-testid="decide-closure">
                                <label class="field">
                                    <span>{t!(i18n, f_comment)}</span>
                                    <textarea rows="2" data-testid="closure-comment" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                                </label>
                                <div class="actions">
                                    <button type="button" data-testid="approve-closure" on:click=move |_| decide("approved")>{t!(i18n, approve_closure)}</button>
                                    <button type="button" class="secondary" data-testid="return-closure" disabled=move || comment.get().trim().is_empty() on:click=move |_| decide("returned")>{t!(i18n, return_closure)}</button>
                                </div>
                            </div>
                        })}
                    }.into_any()
                } else if closed {
                    view! { <a rel="external" class="button secondary" data-testid="print-closure" href=Screen::ClosurePrint(case_id).href()>{t!(i18n, closure_report)}</a> }.into_any()
                } else {
                    view! {
                        {returned.map(|d| view! { <p class="muted small" data-testid="closure-returned">{t!(i18n, closure_returned)} " " {d.comment.unwrap_or_default()}</p> })}
                        {may_request().then(|| if e.blockers.is_empty() {
                            view! { <button type="button" class="secondary" data-testid="request-closure" on:click=request>{t!(i18n, request_closure)}</button> }.into_any()
                        } else {
                            let all = records.get();
                            view! {
                                <div class="muted small" data-testid="closure-blockers">
                                    <p>{t!(i18n, closure_must_wait)}</p>
                                    <ul>
                                        {e.blockers.open_referrals.iter().map(|id| {
                                            let kind = all.iter().find(|r| r.id == *id).and_then(|r| crate::domain::record::Referral::read(&r.fields).kind);
                                            view! { <li>{t!(i18n, open_referral)} ": " {choice(i18n, kind.as_deref())}</li> }
                                        }).collect_view()}
                                        {e.blockers.plan_not_approved.then(|| view! { <li>{t!(i18n, plan_needs_approval)}</li> })}
                                    </ul>
                                </div>
                            }.into_any()
                        })}
                    }.into_any()
                }
            }}
        </div>
    }
}

/// The cases whose closure waits for the supervisor (for the approvals queue).
pub(crate) fn waiting_closures(records: &[LocalRecord]) -> Vec<(Uuid, Closure)> {
    let mut out = Vec::new();
    for case in records.iter().filter(|r| r.kind == RecordKind::Case) {
        let end = CaseEnd::read(
            records
                .iter()
                .filter(|r| r.case_id == case.id)
                .map(|r| (r.kind, r.id, &r.fields)),
        );
        if let Some((_, c)) = end.pending() {
            out.push((case.id, c.clone()));
        }
    }
    out.sort_by_key(|(_, c)| c.requested_at);
    out
}

/// The head of a printed report: the family, its address, who it is about.
fn print_head(i18n: I18nContext<Locale>, records: &[LocalRecord], title: String) -> AnyView {
    let household = records
        .iter()
        .find(|r| r.kind == RecordKind::Household)
        .map(|h| crate::domain::record::Household::read(&h.fields))
        .unwrap_or_default();
    let people: Vec<String> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Member)
        .map(|m| Member::read(&m.fields))
        .filter(|m| m.merged_into.is_none())
        .map(|m| format!("{} ({})", m.full_name(), day(m.birth_date)))
        .collect();
    view! {
        <h1>{title}</h1>
        <p>
            <strong>{t!(i18n, household)}</strong> ": " {household.village} ", " {household.address}
            <br />
            <strong>{t!(i18n, members)}</strong> ": " {people.join(", ")}
        </p>
    }
    .into_any()
}

/// Lines to sign on a printed page, one per signer.
pub(crate) fn signature_lines(who: Vec<String>) -> AnyView {
    view! {
        <section class="signatures">
            {who.into_iter().map(|w| view! { <div><span></span><p>{w}</p></div> }).collect_view()}
        </section>
    }
    .into_any()
}

/// The social anamnesis report as it goes into the paper file (`#anamnesis-print/<case>/<id>`).
#[component]
pub fn AnamnesisPrint(case_id: Uuid, id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = case_records(store, case_id);
    let a = records
        .iter()
        .find(|r| r.id == id)
        .map(|r| Anamnesis::read(&r.fields))
        .unwrap_or_default();
    let signed: Vec<String> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Attachment)
        .map(|r| Attachment::read(&r.fields))
        .filter(|x| x.owner_id == Some(id) && x.purpose.as_deref() == Some("signature"))
        .map(|x| x.label)
        .collect();
    let section = |key: &'static str, text: String| {
        view! {
            <section class="print-person">
                <h2>{label(i18n, key)}</h2>
                <p class="prose">{text}</p>
            </section>
        }
    };
    view! {
        <article class="print-plan" data-testid="anamnesis-print">
            <p class="no-print"><a rel="external" href=Screen::Case(case_id).href()>{t!(i18n, back_to_case)}</a> " " <button type="button" on:click=|_| print()>{t!(i18n, print)}</button></p>
            {print_head(i18n, &records, label(i18n, "k_anamnesis"))}
            <p><strong>{t!(i18n, f_written_on)}</strong> ": " {day(a.written_on)}</p>
            {section("f_family_history", a.family_history)}
            {section("f_current_situation", a.current_situation)}
            {section("f_needs", a.needs)}
            {section("f_opinion", a.opinion)}
            {(!signed.is_empty()).then(|| view! { <p class="muted">{t!(i18n, signed_by)} " " {signed.join(", ")}</p> })}
            {signature_lines(vec![t_string!(i18n, signature_social_worker).to_string()])}
        </article>
    }
}

/// The closure report (`#closure-print/<case>`): the reason, the final assessment, and the
/// services of the plan against the needs they answered.
#[component]
pub fn ClosurePrint(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = case_records(store, case_id);
    let end = end_of(&records);
    let case = records
        .iter()
        .find(|r| r.kind == RecordKind::Case)
        .map(|c| Case::read(&c.fields))
        .unwrap_or_default();
    let request = end
        .approved()
        .map(|(_, c, _)| c.clone())
        .or_else(|| end.pending().map(|(_, c)| c.clone()));
    let final_assessment = request
        .as_ref()
        .and_then(|c| c.final_assessment_id)
        .and_then(|id| records.iter().find(|r| r.id == id))
        .or_else(|| records.iter().rev().find(|r| r.kind == RecordKind::FinalAssessment))
        .map(|r| FinalAssessment::read(&r.fields));
    let services = services_against_needs(store, i18n, &records);
    view! {
        <article class="print-plan" data-testid="closure-print">
            <p class="no-print"><a rel="external" href=Screen::Case(case_id).href()>{t!(i18n, back_to_case)}</a> " " <button type="button" on:click=|_| print()>{t!(i18n, print)}</button></p>
            {print_head(i18n, &records, t_string!(i18n, closure_report).to_string())}
            <p>
                <strong>{t!(i18n, f_reason)}</strong> ": " {choice(i18n, request.as_ref().and_then(|c| c.reason.as_deref()))}
                {request.as_ref().and_then(|c| c.note.clone()).map(|n| format!(" — {n}"))}
                <br />
                <strong>{t!(i18n, f_closed_on)}</strong> ": " {day(case.closed_on)}
            </p>
            <section class="print-person">
                <h2>{t!(i18n, k_final_assessment)}</h2>
                {final_assessment.map(|fa| {
                    let levels = fa.levels();
                    view! {
                        <table>
                            <tbody>
                                {levels.into_iter().map(|(area, level)| view! {
                                    <tr><td>{label(i18n, &format!("f_{area}"))}</td><td>{choice(i18n, level)}</td></tr>
                                }).collect_view()}
                                <tr><td><strong>{t!(i18n, f_overall)}</strong></td><td><strong>{choice(i18n, fa.overall.as_deref())}</strong></td></tr>
                            </tbody>
                        </table>
                        {fa.notes.map(|n| view! { <p class="prose">{n}</p> })}
                    }.into_any()
                })}
            </section>
            <section class="print-person">
                <h2>{t!(i18n, services_against_needs)}</h2>
                {services}
            </section>
            {signature_lines(vec![
                t_string!(i18n, signature_case_manager).to_string(),
                t_string!(i18n, signature_supervisor).to_string(),
            ])}
        </article>
    }
}

/// The plan's items as a table: the need each answers, the service, its state.
fn services_against_needs(store: PhoneStore, i18n: I18nContext<Locale>, records: &[LocalRecord]) -> AnyView {
    let plan = crate::domain::plan::PlanRecords::read(records.iter().map(|r| (r.kind, r.id, &r.fields)));
    let needs = plan
        .plan
        .as_ref()
        .and_then(|(_, p)| p.assessment_id)
        .and_then(|id| records.iter().find(|r| r.id == id))
        .map(|a| Assessment::read(&a.fields).needs())
        .unwrap_or_default();
    let locale = i18n.get_locale().as_str();
    let services = store.services.get_untracked();
    let items = plan.plan.map(|(_, p)| p.items).unwrap_or_default();
    if items.is_empty() {
        return view! { <p class="muted" data-testid="no-plan">{t!(i18n, plan_state_none)}</p> }.into_any();
    }
    view! {
        <table>
            <thead><tr>
                <th>{t!(i18n, f_needs)}</th><th>{t!(i18n, f_service_id)}</th><th>{t!(i18n, f_member_id)}</th><th>{t!(i18n, f_status)}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|i| {
                    let need = i.need.and_then(|n| needs.get(n as usize)).map(|n| n.note.clone()).unwrap_or_else(|| i.goal.clone());
                    let service = services.iter().find(|s| Some(s.id) == i.service_id).map(|s| s.names.in_locale(locale).to_string()).unwrap_or_default();
                    view! {
                        <tr>
                            <td>{need}</td>
                            <td>{service}</td>
                            <td>{person_name(records, i.member_id)}</td>
                            <td>{label(i18n, &format!("c_{}", i.status))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A summary of the whole case for the paper file (`#summary-print/<case>`).
#[component]
pub fn SummaryPrint(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = case_records(store, case_id);
    let count = |kind: RecordKind| records.iter().filter(|r| r.kind == kind).count();
    let returned = returned_on(&records, case_id);
    let housing = records
        .iter()
        .find(|r| r.kind == RecordKind::Housing)
        .map(|h| Housing::read(&h.fields));
    let claims: Vec<Benefit> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Benefit)
        .map(|r| Benefit::read(&r.fields))
        .collect();
    let status = crate::domain::plan::PlanRecords::read(records.iter().map(|r| (r.kind, r.id, &r.fields))).status();
    let services = services_against_needs(store, i18n, &records);
    let rows = [
        ("k_visit", count(RecordKind::Visit)),
        ("k_assessment", count(RecordKind::Assessment)),
        ("k_referral", count(RecordKind::Referral)),
        ("k_monitoring", count(RecordKind::Monitoring)),
        ("k_review", count(RecordKind::Review)),
        ("k_anamnesis", count(RecordKind::Anamnesis)),
        ("k_housing_application", count(RecordKind::HousingApplication)),
    ];
    view! {
        <article class="print-plan" data-testid="summary-print">
            <p class="no-print"><a rel="external" href=Screen::Case(case_id).href()>{t!(i18n, back_to_case)}</a> " " <button type="button" on:click=|_| print()>{t!(i18n, print)}</button></p>
            {print_head(i18n, &records, t_string!(i18n, case_summary).to_string())}
            <p>
                <strong>{t!(i18n, returned_on)}</strong> ": " {day(returned)}
                <br />
                <strong>{t!(i18n, plan_state)}</strong> ": " {super::plan::state_text(i18n, status.state)}
                {housing.map(|h| view! { <br /> <strong>{t!(i18n, housing_track)}</strong> ": " {choice(i18n, h.situation.as_deref())} })}
            </p>
            <table>
                <tbody>
                    {rows.into_iter().map(|(k, n)| view! { <tr><td>{label(i18n, k)}</td><td>{n}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <section class="print-person">
                <h2>{t!(i18n, services_against_needs)}</h2>
                {services}
            </section>
            <section class="print-person">
                <h2>{t!(i18n, claims_register)}</h2>
                <table>
                    <tbody>
                        {claims.into_iter().map(|b| view! {
                            <tr>
                                <td>{person_name(&records, b.member_id)}</td>
                                <td>{choice(i18n, b.scheme.as_deref())}</td>
                                <td>{choice(i18n, b.outcome.as_deref())}</td>
                                <td>{b.amount.map(|a| format!("{a:.2} €")).unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </article>
    }
}
