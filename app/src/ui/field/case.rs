//! One case on the phone: the household, its members, the return, visits and assessments.

use super::{go, inputs::new_draft, Screen};
use crate::domain::{assessment, RecordKind};
use crate::field::model::text;
use crate::field::store::{of_case, FieldStore};
use crate::i18n::*;
use crate::i18n_support::label;
use chrono::{Duration, NaiveDate, Utc};
use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;

#[component]
pub fn CaseView(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<FieldStore>();
    let i18n = use_i18n();
    let records = Memo::new(move |_| {
        store
            .local()
            .into_iter()
            .filter(|r| r.case_id == case_id)
            .collect::<Vec<_>>()
    });
    let of = move |kind| of_case(&records.get(), case_id, kind);
    let household = move || {
        of(RecordKind::Household)
            .into_iter()
            .next()
            .map(|h| h.fields)
            .unwrap_or_default()
    };
    let new_visit = move |_| {
        let id = Uuid::now_v7();
        let village = text(&household(), "village");
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let fields = serde_json::from_value(json!({ "visited_at": now, "village": village, "kind": "initial" }))
            .unwrap_or_default();
        store.save_draft(new_draft(RecordKind::Visit, id, case_id, fields, None));
        go(Screen::Visit(case_id, id));
    };
    let new_assessment = move |_| {
        let id = Uuid::now_v7();
        let visit = of(RecordKind::Visit).last().map(|v| v.id);
        let mut fields = crate::domain::Fields::new();
        fields.insert("form_version".into(), json!(assessment::current().version));
        fields.insert("answers".into(), json!({ "household": {}, "members": {}, "needs": [] }));
        if let Some(v) = visit {
            fields.insert("visit_id".into(), json!(v));
        }
        store.save_draft(new_draft(RecordKind::Assessment, id, case_id, fields, None));
        go(Screen::Assessment(case_id, id));
    };
    let new_referral = move |_| {
        let id = Uuid::now_v7();
        let today = crate::domain::follow_up::local_today(Utc::now()).to_string();
        let fields = serde_json::from_value(json!({ "sent_on": today })).unwrap_or_default();
        store.save_draft(new_draft(RecordKind::Referral, id, case_id, fields, None));
        go(Screen::Referral(case_id, id));
    };
    let institution_name = move |id: String| {
        store.institutions.with(|l| {
            l.iter()
                .find(|i| i.id.to_string() == id)
                .map(|i| i.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card" data-testid="case-view">
            <a rel="external" href="#">{t!(i18n, back_to_caseload)}</a>
            <h2>{move || text(&household(), "village")} " · " {move || text(&household(), "address")}</h2>
            <p class="muted">{move || text(&household(), "phone")}</p>
            <h3>{t!(i18n, members)}</h3>
            <ul class="list" data-testid="members">
                {move || of(RecordKind::Member).into_iter().map(|m| view! {
                    <li>
                        {text(&m.fields, "first_name")} " " {text(&m.fields, "last_name")}
                        <span class="muted">
                            " · " {text(&m.fields, "birth_date")} " · "
                            {let r = text(&m.fields, "relationship"); move || label(i18n, &format!("c_{r}"))}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            {move || of(RecordKind::ReturnEvent).into_iter().next().map(|r| {
                let date = text(&r.fields, "event_date");
                // The home visit is due within 72 hours of the return (or the decision).
                let due = NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok().map(|d| (d + Duration::days(3)).to_string());
                let category = text(&r.fields, "category");
                view! {
                    <p data-testid="return">
                        {move || label(i18n, &format!("c_{category}"))} " · " {text(&r.fields, "country")} " · " {date.clone()}
                        {due.map(|d| view! { <br /> <span class="muted">{t!(i18n, first_visit_due)} " " {d}</span> })}
                    </p>
                }
            })}
            <div class="actions">
                <a rel="external" class="button secondary" href=Screen::Household(case_id).href() data-testid="edit-household">{t!(i18n, edit_household)}</a>
                <button type="button" data-testid="new-visit" on:click=new_visit>{t!(i18n, new_visit)}</button>
                <button type="button" data-testid="new-assessment" on:click=new_assessment>{t!(i18n, new_assessment)}</button>
                <button type="button" data-testid="new-referral" on:click=new_referral>{t!(i18n, new_referral)}</button>
            </div>
            <h3>{t!(i18n, visits)}</h3>
            <ul class="list" data-testid="visits">
                {move || of(RecordKind::Visit).into_iter().map(|v| {
                    let kind = text(&v.fields, "kind");
                    view! {
                        <li>
                            <a rel="external" href=Screen::Visit(case_id, v.id).href()>
                                {super::local_time(text(&v.fields, "visited_at").parse().unwrap_or_else(|_| Utc::now()))}
                                " · " {move || label(i18n, &format!("c_{kind}"))}
                            </a>
                            {v.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, assessments)}</h3>
            <ul class="list" data-testid="assessments">
                {move || of(RecordKind::Assessment).into_iter().map(|a| view! {
                    <li>
                        <a rel="external" href=Screen::Assessment(case_id, a.id).href()>
                            {text(&a.fields, "completed_at").parse().map(super::local_time).unwrap_or_default()}
                        </a>
                        {a.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, referrals)}</h3>
            <ul class="list" data-testid="referrals">
                {move || of(RecordKind::Referral).into_iter().map(|r| {
                    let kind = text(&r.fields, "kind");
                    let state = Some(text(&r.fields, "state")).filter(|s| !s.is_empty()).unwrap_or_else(|| "sent".into());
                    let feedback = text(&r.fields, "feedback");
                    let state_attr = state.clone();
                    view! {
                        <li data-testid="referral" data-state=state_attr>
                            {move || label(i18n, &format!("c_{kind}"))} " · " {institution_name(text(&r.fields, "institution_id"))}
                            <br />
                            <span class="muted">{text(&r.fields, "sent_on")} " · " {move || label(i18n, &format!("c_{state}"))}</span>
                            {(!feedback.is_empty()).then(|| view! { <br /> <span class="muted">{feedback.clone()}</span> })}
                            {r.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted small">{t!(i18n, attachments)} ": " {move || of(RecordKind::Attachment).len()}</p>
        </section>
    }
}
