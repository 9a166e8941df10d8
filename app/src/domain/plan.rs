//! The individual plan's rules, run by the phone and the server alike: what an item must hold,
//! the hash that binds an approval to the exact content approved, the plan's state (draft,
//! waiting for approval, returned, approved, changed since approval), the day its clock starts,
//! the items a new plan suggests from the assessment's needs, and what changed between versions.

use super::assessment::{MemberFacts, Need};
use super::follow_up::local_today;
use super::problem::{FieldError, Problem};
use super::record::{Plan, PlanDecision, PlanVersion};
use super::service::{areas_for, Service};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const ITEM_STATUSES: &[&str] = &["planned", "in_progress", "done", "not_possible"];
/// More than this is not a plan a family can follow.
pub const MAX_ITEMS: usize = 100;

/// One line of the plan: a person's goal, the service that serves it, who provides it, by when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanItem {
    pub id: Uuid,
    pub member_id: Option<Uuid>,
    /// The need of the plan's assessment this answers (its position in the assessment's list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<u32>,
    pub service_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<Uuid>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub goal: String,
    pub start_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    /// One of [`ITEM_STATUSES`].
    pub status: String,
    /// Why the service is not possible (required then).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// What a supervisor approves: the plan's type and items, nothing else (notes are working notes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanContent {
    pub plan_type: String,
    pub items: Vec<PlanItem>,
}

impl PlanContent {
    pub fn of(plan: &Plan) -> Self {
        Self {
            plan_type: plan.plan_type.clone().unwrap_or_default(),
            items: plan.items.clone(),
        }
    }
}

/// The SHA-256 of the content in canonical form: object keys sorted, items ordered by ID, text
/// trimmed with runs of white space made one space. So the hash ignores field order and white
/// space, and changes with anything a person would call a change.
pub fn content_hash(content: &PlanContent) -> String {
    let mut items = content.items.clone();
    items.sort_by_key(|i| i.id);
    let value = serde_json::to_value(PlanContent {
        plan_type: content.plan_type.clone(),
        items,
    })
    .unwrap_or(Value::Null);
    canonical_hash(&value)
}

/// SHA-256 of a value's canonical JSON (keys sorted at every level), in lowercase hex: the
/// same content gives the same hash on the phone and the server, whatever order it was built in.
pub fn canonical_hash(value: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(value, &mut canonical);
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        Value::String(s) => {
            let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push_str(&Value::String(collapsed).to_string());
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Checks a plan's items against the household: each names a person of it and a service, a
/// status, a due date not before the start, a reason when the service is not possible.
pub fn check_items(value: &Value, members: &[MemberFacts]) -> Vec<FieldError> {
    let Some(raw) = value.as_array() else {
        return vec![FieldError::new("items", Problem::WrongType)];
    };
    if raw.len() > MAX_ITEMS {
        return vec![FieldError::new("items", Problem::TooLong)];
    }
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for (i, v) in raw.iter().enumerate() {
        let at = |f: &str| format!("items.{i}.{f}");
        let item: PlanItem = match serde_json::from_value(v.clone()) {
            Ok(item) => item,
            Err(_) => {
                errors.push(FieldError::new(format!("items.{i}"), Problem::WrongType));
                continue;
            }
        };
        if item.id.is_nil() || ids.contains(&item.id) {
            errors.push(FieldError::new(at("id"), Problem::WrongType));
        }
        ids.push(item.id);
        match item.member_id {
            None => errors.push(FieldError::new(at("member_id"), Problem::Required)),
            Some(m) if !members.iter().any(|x| x.id == m) => {
                errors.push(FieldError::new(at("member_id"), Problem::UnknownMember));
            }
            _ => {}
        }
        if item.service_id.is_none() {
            errors.push(FieldError::new(at("service_id"), Problem::Required));
        }
        if !ITEM_STATUSES.contains(&item.status.as_str()) {
            errors.push(FieldError::new(at("status"), Problem::NotAChoice));
        }
        match (item.start_on, item.due_on) {
            (None, _) => errors.push(FieldError::new(at("start_on"), Problem::Required)),
            (_, None) => errors.push(FieldError::new(at("due_on"), Problem::Required)),
            (Some(start), Some(due)) if due < start => {
                errors.push(FieldError::new(at("due_on"), Problem::DueBeforeStart));
            }
            _ => {}
        }
        if item.status == "not_possible" && item.reason.trim().is_empty() {
            errors.push(FieldError::new(at("reason"), Problem::Required));
        }
        for (name, text, max) in [("goal", &item.goal, 500), ("reason", &item.reason, 1000)] {
            if text.chars().count() > max {
                errors.push(FieldError::new(at(name), Problem::TooLong));
            }
        }
    }
    errors
}

/// An answer about one item of the plan: a monitoring's check that its service came, a
/// review's progress towards its goal.
pub trait ItemAnswer: Clone + Default {
    fn for_item(item_id: Uuid) -> Self;
    fn item_id(&self) -> Uuid;
    fn answer(&self) -> &str;
    fn set_answer(&mut self, answer: String);
    fn note(&self) -> &str;
    fn set_note(&mut self, note: String);
}

impl ItemAnswer for crate::domain::record::ServiceCheck {
    fn for_item(item_id: Uuid) -> Self {
        Self {
            item_id,
            ..Default::default()
        }
    }
    fn item_id(&self) -> Uuid {
        self.item_id
    }
    fn answer(&self) -> &str {
        &self.received
    }
    fn set_answer(&mut self, answer: String) {
        self.received = answer;
    }
    fn note(&self) -> &str {
        &self.note
    }
    fn set_note(&mut self, note: String) {
        self.note = note;
    }
}

impl ItemAnswer for crate::domain::record::GoalProgress {
    fn for_item(item_id: Uuid) -> Self {
        Self {
            item_id,
            ..Default::default()
        }
    }
    fn item_id(&self) -> Uuid {
        self.item_id
    }
    fn answer(&self) -> &str {
        &self.progress
    }
    fn set_answer(&mut self, answer: String) {
        self.progress = answer;
    }
    fn note(&self) -> &str {
        &self.note
    }
    fn set_note(&mut self, note: String) {
        self.note = note;
    }
}

/// `answers` with the one about `item_id` changed (added if new); an item left without an
/// answer is dropped, note and all.
pub fn answered<T: ItemAnswer>(
    mut answers: Vec<T>,
    item_id: Uuid,
    answer: Option<String>,
    note: Option<String>,
) -> Vec<T> {
    let pos = answers.iter().position(|a| a.item_id() == item_id).unwrap_or_else(|| {
        answers.push(T::for_item(item_id));
        answers.len() - 1
    });
    if let Some(a) = answer {
        answers[pos].set_answer(a);
    }
    if let Some(n) = note {
        answers[pos].set_note(n);
    }
    answers.retain(|a| !a.answer().is_empty());
    answers
}

/// Where a plan stands, as the case manager's list and the supervisor's queue show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// The case has no plan yet.
    None,
    Draft,
    /// This exact content was submitted and waits for the supervisor.
    WaitingForApproval,
    /// The supervisor returned this content with a comment.
    Returned,
    Approved,
    /// Edited after an approval and not (yet) submitted again.
    ChangedSinceApproval,
}

impl PlanState {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::None => "none",
            PlanState::Draft => "draft",
            PlanState::WaitingForApproval => "waiting_for_approval",
            PlanState::Returned => "returned",
            PlanState::Approved => "approved",
            PlanState::ChangedSinceApproval => "changed_since_approval",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStatus {
    pub state: PlanState,
    /// The hash of the plan's content now.
    pub hash: String,
    /// The submitted version of this content waiting for a decision.
    pub waiting_version: Option<Uuid>,
    /// The content was approved once and has changed since.
    pub changed_since_approval: bool,
    /// The day of the first approval: the plan's clock (monitoring, review) starts here.
    pub active_since: Option<NaiveDate>,
}

/// The state of `plan` from its submitted versions and the decisions taken on them.
pub fn status(plan: Option<&Plan>, versions: &[(Uuid, PlanVersion)], decisions: &[PlanDecision]) -> PlanStatus {
    let Some(plan) = plan else {
        return PlanStatus {
            state: PlanState::None,
            hash: String::new(),
            waiting_version: None,
            changed_since_approval: false,
            active_since: None,
        };
    };
    let hash = content_hash(&PlanContent::of(plan));
    let mut decisions: Vec<&PlanDecision> = decisions.iter().collect();
    decisions.sort_by_key(|d| d.decided_at);
    let active_since = decisions
        .iter()
        .find(|d| d.approves())
        .and_then(|d| d.decided_at)
        .map(local_today);
    let last_approved = decisions.iter().rev().find(|d| d.approves());
    let changed_since_approval = last_approved.is_some_and(|d| d.content_hash != hash);
    let last_on_this = decisions.iter().rev().find(|d| d.content_hash == hash);
    // The newest submission of this very content, if no decision came after it.
    let waiting_version = versions
        .iter()
        .filter(|(_, v)| v.content_hash == hash)
        .max_by_key(|(_, v)| v.submitted_at)
        .filter(|(_, v)| last_on_this.is_none_or(|d| v.submitted_at > d.decided_at))
        .map(|(id, _)| *id);
    let state = if waiting_version.is_some() {
        PlanState::WaitingForApproval
    } else {
        match last_on_this {
            Some(d) if d.approves() => PlanState::Approved,
            Some(_) => PlanState::Returned,
            None if changed_since_approval => PlanState::ChangedSinceApproval,
            None => PlanState::Draft,
        }
    };
    PlanStatus {
        state,
        hash,
        waiting_version,
        changed_since_approval,
        active_since,
    }
}

/// A case's plan, its submitted versions and its decisions, read off its records (as the phone
/// and the server both hold them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanRecords {
    pub plan: Option<(Uuid, Plan)>,
    pub versions: Vec<(Uuid, PlanVersion)>,
    pub decisions: Vec<(Uuid, PlanDecision)>,
}

impl PlanRecords {
    pub fn read<'a>(
        records: impl IntoIterator<Item = (crate::domain::RecordKind, Uuid, &'a crate::domain::Fields)>,
    ) -> Self {
        use crate::domain::record::TypedRecord;
        use crate::domain::RecordKind as K;
        let mut out = Self::default();
        for (kind, id, fields) in records {
            match kind {
                K::Plan => out.plan = Some((id, Plan::read(fields))),
                K::PlanVersion => out
                    .versions
                    .extend(PlanVersion::from_fields(fields).ok().map(|v| (id, v))),
                K::PlanDecision => out
                    .decisions
                    .extend(PlanDecision::from_fields(fields).ok().map(|d| (id, d))),
                _ => {}
            }
        }
        out.versions.sort_by_key(|(_, v)| v.submitted_at);
        out.decisions.sort_by_key(|(_, d)| d.decided_at);
        out
    }

    pub fn status(&self) -> PlanStatus {
        let decisions: Vec<PlanDecision> = self.decisions.iter().map(|(_, d)| d.clone()).collect();
        status(self.plan.as_ref().map(|(_, p)| p), &self.versions, &decisions)
    }
}

/// The items a new plan suggests for the assessment's needs: for each need, the services of the
/// catalogue in the need's areas (retired services are not offered), for `member`, starting
/// `start_on` and due after the service's typical duration.
pub fn suggest_items(
    needs: &[Need],
    services: &[Service],
    member: Option<Uuid>,
    start_on: NaiveDate,
    mut new_id: impl FnMut() -> Uuid,
) -> Vec<PlanItem> {
    let mut out = Vec::new();
    for (i, need) in needs.iter().enumerate() {
        let areas = areas_for(need.section);
        for s in services
            .iter()
            .filter(|s| !s.retired && areas.contains(&s.area.as_str()))
        {
            out.push(PlanItem {
                id: new_id(),
                member_id: member,
                need: u32::try_from(i).ok(),
                service_id: Some(s.id),
                institution_id: s.institution_id,
                goal: need.note.trim().to_string(),
                start_on: Some(start_on),
                due_on: Some(start_on + Days::new(u64::from(s.typical_days))),
                status: "planned".into(),
                reason: String::new(),
            });
        }
    }
    out
}

/// What changed between two versions of the content, item by item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemChange {
    Added(PlanItem),
    Removed(PlanItem),
    /// The item and the names of the fields that differ.
    Changed(PlanItem, Vec<&'static str>),
}

pub fn changes(before: &PlanContent, after: &PlanContent) -> Vec<ItemChange> {
    let mut out = Vec::new();
    for b in &before.items {
        match after.items.iter().find(|a| a.id == b.id) {
            None => out.push(ItemChange::Removed(b.clone())),
            Some(a) => {
                let mut fields = Vec::new();
                let mut differ = |name, same: bool| {
                    if !same {
                        fields.push(name);
                    }
                };
                differ("member_id", a.member_id == b.member_id);
                differ("service_id", a.service_id == b.service_id);
                differ("institution_id", a.institution_id == b.institution_id);
                differ("goal", a.goal.split_whitespace().eq(b.goal.split_whitespace()));
                differ("start_on", a.start_on == b.start_on);
                differ("due_on", a.due_on == b.due_on);
                differ("status", a.status == b.status);
                differ("reason", a.reason.split_whitespace().eq(b.reason.split_whitespace()));
                if !fields.is_empty() {
                    out.push(ItemChange::Changed(a.clone(), fields));
                }
            }
        }
    }
    for a in &after.items {
        if !before.items.iter().any(|b| b.id == a.id) {
            out.push(ItemChange::Added(a.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::Section;
    use crate::domain::service::ServiceNames;
    use chrono::{DateTime, Utc};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn item(n: u128, goal: &str) -> PlanItem {
        PlanItem {
            id: Uuid::from_u128(n),
            member_id: Some(Uuid::from_u128(100)),
            need: Some(0),
            service_id: Some(Uuid::from_u128(200)),
            institution_id: None,
            goal: goal.into(),
            start_on: Some(day("2026-03-01")),
            due_on: Some(day("2026-06-01")),
            status: "planned".into(),
            reason: String::new(),
        }
    }

    fn plan(items: Vec<PlanItem>) -> Plan {
        Plan {
            plan_type: Some("pir".into()),
            items,
            ..Default::default()
        }
    }

    #[test]
    fn the_hash_ignores_field_and_item_order_and_white_space_but_not_content() {
        let a = PlanContent::of(&plan(vec![item(1, "Get an ID card"), item(2, "Register as jobseeker")]));
        let reordered = PlanContent::of(&plan(vec![item(2, "Register as jobseeker"), item(1, "Get an ID card")]));
        let spaced = PlanContent::of(&plan(vec![
            item(1, "  Get an\tID  card "),
            item(2, "Register as jobseeker"),
        ]));
        let h = content_hash(&a);
        assert_eq!(h.len(), 64);
        assert_eq!(content_hash(&reordered), h);
        assert_eq!(content_hash(&spaced), h);
        // The same item written with its keys in another order reads as the same content.
        let json = r#"{"items":[{"status":"planned","due_on":"2026-06-01","start_on":"2026-03-01",
            "goal":"Get an ID card","service_id":"00000000-0000-0000-0000-0000000000c8","need":0,
            "member_id":"00000000-0000-0000-0000-000000000064","id":"00000000-0000-0000-0000-000000000001"},
            {"id":"00000000-0000-0000-0000-000000000002","member_id":"00000000-0000-0000-0000-000000000064",
            "need":0,"service_id":"00000000-0000-0000-0000-0000000000c8","goal":"Register as jobseeker",
            "start_on":"2026-03-01","due_on":"2026-06-01","status":"planned"}],"plan_type":"pir"}"#;
        let parsed: PlanContent = serde_json::from_str(json).unwrap();
        assert_eq!(content_hash(&parsed), h);

        let mut other = a.clone();
        other.items[0].goal = "Get an ID card and a passport".into();
        assert_ne!(content_hash(&other), h);
        let mut later = a.clone();
        later.items[1].due_on = Some(day("2026-06-02"));
        assert_ne!(content_hash(&later), h);
        let mut pii = a;
        pii.plan_type = "pii".into();
        assert_ne!(content_hash(&pii), h);
    }

    #[test]
    fn a_known_content_has_a_known_hash() {
        // `printf '{"items":[],"plan_type":"pir"}' | sha256sum`, run by hand.
        let content = PlanContent {
            plan_type: "  pir ".into(),
            items: vec![],
        };
        assert_eq!(
            content_hash(&content),
            "a35d16fecfcdc8ec61692a47314c6acfde408c156a97b91d096340dac009ec32"
        );
    }

    fn version(n: u128, content: &PlanContent, submitted: &str) -> (Uuid, PlanVersion) {
        (
            Uuid::from_u128(n),
            PlanVersion {
                plan_id: Some(Uuid::from_u128(9)),
                content: content.clone(),
                content_hash: content_hash(content),
                submitted_at: Some(at(submitted)),
            },
        )
    }

    fn decision(version: u128, content: &PlanContent, what: &str, decided: &str) -> PlanDecision {
        PlanDecision {
            plan_id: Some(Uuid::from_u128(9)),
            version_id: Some(Uuid::from_u128(version)),
            content_hash: content_hash(content),
            decision: Some(what.into()),
            comment: (what == "returned").then(|| "Add the school enrolment".into()),
            decided_at: Some(at(decided)),
        }
    }

    #[test]
    fn draft_submitted_approved_edited_and_approved_again() {
        assert_eq!(status(None, &[], &[]).state, PlanState::None);
        let p1 = plan(vec![item(1, "Get an ID card")]);
        let c1 = PlanContent::of(&p1);
        assert_eq!(status(Some(&p1), &[], &[]).state, PlanState::Draft);

        let v1 = version(11, &c1, "2026-03-02T09:00:00Z");
        let s = status(Some(&p1), std::slice::from_ref(&v1), &[]);
        assert_eq!(
            (s.state, s.waiting_version),
            (PlanState::WaitingForApproval, Some(v1.0))
        );

        let returned = decision(11, &c1, "returned", "2026-03-03T09:00:00Z");
        assert_eq!(
            status(Some(&p1), std::slice::from_ref(&v1), std::slice::from_ref(&returned)).state,
            PlanState::Returned
        );

        // Submitted again unchanged after the return, then approved.
        let v2 = version(12, &c1, "2026-03-04T09:00:00Z");
        let approved = decision(12, &c1, "approved", "2026-03-05T22:30:00Z");
        let versions = vec![v1, v2];
        let s = status(Some(&p1), &versions, std::slice::from_ref(&returned));
        assert_eq!(s.state, PlanState::WaitingForApproval);
        let decisions = vec![returned, approved];
        let s = status(Some(&p1), &versions, &decisions);
        assert_eq!(s.state, PlanState::Approved);
        assert!(!s.changed_since_approval);
        // 22:30 UTC on 5 March is 23:30 in Kosovo: still the 5th.
        assert_eq!(s.active_since, Some(day("2026-03-05")));

        // An edit after approval: changed since approval, the clock keeps its start.
        let p2 = plan(vec![item(1, "Get an ID card"), item(2, "Enrol Ardit in school")]);
        let s = status(Some(&p2), &versions, &decisions);
        assert_eq!(s.state, PlanState::ChangedSinceApproval);
        assert!(s.changed_since_approval);
        assert_eq!(s.active_since, Some(day("2026-03-05")));

        // Submitted: waiting, and still changed since the last approval.
        let c2 = PlanContent::of(&p2);
        let mut versions = versions;
        versions.push(version(13, &c2, "2026-04-01T09:00:00Z"));
        let s = status(Some(&p2), &versions, &decisions);
        assert_eq!(s.state, PlanState::WaitingForApproval);
        assert!(s.changed_since_approval);

        let mut decisions = decisions;
        decisions.push(decision(13, &c2, "approved", "2026-04-02T09:00:00Z"));
        let s = status(Some(&p2), &versions, &decisions);
        assert_eq!(s.state, PlanState::Approved);
        assert!(!s.changed_since_approval);
        assert_eq!(s.active_since, Some(day("2026-03-05")));

        // Edited back to the first content: that content's last decision was an approval, but
        // the plan changed since the latest approval, so it is not approved.
        let s = status(Some(&p1), &versions, &decisions);
        assert!(s.changed_since_approval);
    }

    #[test]
    fn items_need_a_person_of_the_household_a_service_and_sane_dates() {
        let members = vec![MemberFacts {
            id: Uuid::from_u128(100),
            birth_date: None,
        }];
        let good = serde_json::to_value(vec![item(1, "Get an ID card")]).unwrap();
        assert_eq!(check_items(&good, &members), vec![]);

        let mut no_person = item(1, "x");
        no_person.member_id = None;
        let mut stranger = item(2, "x");
        stranger.member_id = Some(Uuid::from_u128(101));
        let mut no_service = item(3, "x");
        no_service.service_id = None;
        let mut backwards = item(4, "x");
        backwards.due_on = Some(day("2026-02-28"));
        let mut impossible = item(5, "x");
        impossible.status = "not_possible".into();
        let mut odd = item(6, "x");
        odd.status = "someday".into();
        let bad = serde_json::to_value(vec![
            no_person,
            stranger,
            no_service,
            backwards,
            impossible,
            odd,
            item(1, "again"),
        ])
        .unwrap();
        let found: Vec<(String, Problem)> = check_items(&bad, &members)
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                ("items.0.member_id".to_string(), Problem::Required),
                ("items.1.member_id".to_string(), Problem::UnknownMember),
                ("items.2.service_id".to_string(), Problem::Required),
                ("items.3.due_on".to_string(), Problem::DueBeforeStart),
                ("items.4.reason".to_string(), Problem::Required),
                ("items.5.status".to_string(), Problem::NotAChoice),
                ("items.6.id".to_string(), Problem::WrongType),
            ]
        );
        assert_eq!(
            check_items(&serde_json::json!("lots"), &members),
            vec![FieldError::new("items", Problem::WrongType)]
        );
    }

    fn service(n: u128, area: &str, days: u32, retired: bool) -> Service {
        Service {
            id: Uuid::from_u128(n),
            municipality_id: Uuid::from_u128(1),
            area: area.into(),
            names: ServiceNames::default(),
            institution_id: Some(Uuid::from_u128(n + 1000)),
            typical_days: days,
            retired,
        }
    }

    #[test]
    fn needs_suggest_the_catalogues_services_of_their_area() {
        let needs = vec![
            Need {
                section: Section::CivilDocuments,
                priority: "high".into(),
                note: " ID cards for all ".into(),
            },
            Need {
                section: Section::Work,
                priority: "medium".into(),
                note: String::new(),
            },
        ];
        let services = vec![
            service(1, "documents", 30, false),
            service(2, "employment", 90, false),
            service(3, "vocational_training", 180, false),
            service(4, "employment", 60, true),
            service(5, "housing", 365, false),
        ];
        let mut n = 500;
        let items = suggest_items(&needs, &services, Some(Uuid::from_u128(100)), day("2026-01-31"), || {
            n += 1;
            Uuid::from_u128(n)
        });
        let got: Vec<(Option<u32>, Uuid, NaiveDate)> = items
            .iter()
            .map(|i| (i.need, i.service_id.unwrap(), i.due_on.unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(0), Uuid::from_u128(1), day("2026-03-02")),
                (Some(1), Uuid::from_u128(2), day("2026-05-01")),
                (Some(1), Uuid::from_u128(3), day("2026-07-30")),
            ]
        );
        assert_eq!(items[0].goal, "ID cards for all");
        assert_eq!(items[0].institution_id, Some(Uuid::from_u128(1001)));
        assert!(items.iter().all(|i| i.status == "planned"));
    }

    #[test]
    fn an_answer_per_item_is_added_changed_and_dropped_when_cleared() {
        use crate::domain::record::ServiceCheck;
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let list = answered(Vec::<ServiceCheck>::new(), a, Some("yes".into()), None);
        // A note before an answer is not kept: an item without an answer is not answered.
        let list = answered(list, b, None, Some("no one home".into()));
        assert_eq!(list.len(), 1);
        let list = answered(list, a, None, Some("ID card in hand".into()));
        assert_eq!(
            (list[0].received.as_str(), list[0].note.as_str()),
            ("yes", "ID card in hand")
        );
        let list = answered(list, b, Some("partly".into()), None);
        let list = answered(list, a, Some(String::new()), None);
        assert_eq!(list.iter().map(|c| c.item_id).collect::<Vec<_>>(), vec![b]);
    }

    #[test]
    fn changes_between_versions_name_the_items_and_fields() {
        let before = PlanContent::of(&plan(vec![item(1, "Get an ID card"), item(2, "Enrol in school")]));
        let mut after = before.clone();
        after.items[0].due_on = Some(day("2026-07-01"));
        after.items[0].goal = "Get an  ID card".into();
        after.items.remove(1);
        after.items.push(item(3, "Register as jobseeker"));
        let got: Vec<String> = changes(&before, &after)
            .into_iter()
            .map(|c| match c {
                ItemChange::Added(i) => format!("+{}", i.goal),
                ItemChange::Removed(i) => format!("-{}", i.goal),
                ItemChange::Changed(i, f) => format!("~{}:{}", i.goal, f.join(",")),
            })
            .collect();
        assert_eq!(
            got,
            vec!["~Get an  ID card:due_on", "-Enrol in school", "+Register as jobseeker"]
        );
    }
}
