//! What the phone keeps: the caseload as the server last sent it, drafts being edited, and the
//! outbox of finished changes waiting for the server. Pure data and rules, so they are tested
//! natively; `store` persists them in IndexedDB.

use crate::domain::assessment::MemberFacts;
use crate::domain::sync::{Change, ChangeResult, Outcome, RecordState};
use crate::domain::{Fields, RecordKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A record being edited on the phone; saved on every keystroke, so nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub case_id: Uuid,
    /// The server version the edit started from; `None` for a new record.
    pub base_version: Option<i64>,
    /// The whole record as edited.
    pub fields: Fields,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SendState {
    /// Not sent yet, or to be sent again (the server said "not yet" or could not be reached).
    /// `reason` is the server's "not yet", put into the worker's words on screen (`note` is its
    /// English message, all that older phones kept).
    Waiting {
        note: Option<String>,
        #[serde(default)]
        reason: Option<crate::domain::sync::Rejection>,
    },
    /// The server refused it for good; kept until the worker deals with it. `reason` is put
    /// into the worker's words on screen (older phones kept only the server's English message).
    Refused {
        message: String,
        #[serde(default)]
        reason: Option<crate::domain::sync::Rejection>,
    },
}

/// A finished change waiting for the server's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub change: Change,
    /// Whose change it is: another user signing in on this phone never sends it.
    pub user_id: Uuid,
    pub state: SendState,
    pub attempts: u32,
}

/// A photo or signature kept on the phone until the server has all of its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingBlob {
    pub sha256: String,
    pub attachment_id: Uuid,
    pub size: i64,
    pub user_id: Uuid,
    pub uploaded: bool,
}

/// The record as the worker sees it: the server's copy, then waiting changes in order.
pub fn local_fields(server: Option<&RecordState>, outbox: &[OutboxItem], record_id: Uuid) -> Option<Fields> {
    let mut fields = server.map(|r| r.fields.clone());
    for item in outbox.iter().filter(|i| i.change.record_id == record_id) {
        let f = fields.get_or_insert_with(Fields::new);
        for (k, v) in &item.change.fields {
            if v.is_null() {
                f.remove(k);
            } else {
                f.insert(k.clone(), v.clone());
            }
        }
    }
    fields
}

/// A record known on the phone (from the server or only from the outbox).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    pub case_id: Uuid,
    /// The server's version, `None` while the record exists only on this phone.
    pub version: Option<i64>,
    pub fields: Fields,
    pub pending: bool,
}

/// Every record of the caseload as the worker sees it.
pub fn local_records(server: &BTreeMap<Uuid, RecordState>, outbox: &[OutboxItem]) -> Vec<LocalRecord> {
    let mut ids: Vec<(Uuid, RecordKind, Uuid)> = server.values().map(|r| (r.id, r.kind, r.case_id)).collect();
    for item in outbox {
        let c = &item.change;
        if !server.contains_key(&c.record_id) && !ids.iter().any(|(id, ..)| *id == c.record_id) {
            ids.push((c.record_id, c.kind, c.case_id));
        }
    }
    ids.into_iter()
        .filter_map(|(id, kind, case_id)| {
            let fields = local_fields(server.get(&id), outbox, id)?;
            Some(LocalRecord {
                id,
                kind,
                case_id,
                version: server.get(&id).map(|r| r.version),
                fields,
                pending: outbox.iter().any(|i| i.change.record_id == id),
            })
        })
        .collect()
}

/// The fields of `edited` that differ from `before` (a removed field becomes `null`).
pub fn diff(before: &Fields, edited: &Fields) -> Fields {
    let mut out = Fields::new();
    for (k, v) in edited {
        let blank = crate::domain::record::is_blank(Some(v));
        match before.get(k) {
            Some(old) if old == v => {}
            None if blank => {}
            _ => {
                out.insert(k.clone(), if blank { Value::Null } else { v.clone() });
            }
        }
    }
    for k in before.keys() {
        if !edited.contains_key(k) {
            out.insert(k.clone(), Value::Null);
        }
    }
    out
}

/// Drops empty values: a new record sends only what was filled in.
pub fn filled(fields: &Fields) -> Fields {
    fields
        .iter()
        .filter(|(_, v)| !crate::domain::record::is_blank(Some(v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Adds a change to the outbox. While an earlier change to the same record still waits (and
/// is not being sent right now), the two become one: one message, and no conflict with itself.
pub fn enqueue(outbox: &mut Vec<OutboxItem>, item: OutboxItem, sending: bool) -> Uuid {
    if !sending {
        if let Some(waiting) = outbox.iter_mut().rev().find(|i| {
            i.change.record_id == item.change.record_id
                && i.user_id == item.user_id
                && matches!(i.state, SendState::Waiting { .. })
        }) {
            for (k, v) in item.change.fields {
                waiting.change.fields.insert(k, v);
            }
            waiting.change.made_at = item.change.made_at;
            return waiting.change.change_id;
        }
    }
    let id = item.change.change_id;
    outbox.push(item);
    id
}

/// What the phone does with one answer from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterPush {
    /// The server has it: forget the change; later changes to the record now build on `version`.
    Done { version: i64 },
    /// Keep it and send again later.
    Retry(String, crate::domain::sync::Rejection),
    /// Keep it, marked, for the worker to see.
    Refused(String, crate::domain::sync::Rejection),
}

pub fn after_push(result: &ChangeResult) -> AfterPush {
    match &result.outcome {
        Outcome::Applied { version } | Outcome::AlreadyApplied { version } | Outcome::Conflict { version, .. } => {
            AfterPush::Done { version: *version }
        }
        o @ Outcome::Rejected { message, reason, .. } if !o.is_final() => AfterPush::Retry(message.clone(), *reason),
        Outcome::Rejected { message, reason, .. } => AfterPush::Refused(message.clone(), *reason),
    }
}

/// Folds the changes the server confirmed into the phone's copy of the caseload, so a record
/// never disappears from the screen between the push that empties the outbox and the pull that
/// brings the server's copy (which then replaces this one). Returns the records written.
pub fn fold_confirmed(
    records: &mut BTreeMap<Uuid, RecordState>,
    sent: &[Change],
    results: &[ChangeResult],
    now: DateTime<Utc>,
) -> Vec<RecordState> {
    let mut written = Vec::new();
    for r in results {
        let AfterPush::Done { version } = after_push(r) else {
            continue;
        };
        let Some(change) = sent.iter().find(|c| Some(c.change_id) == r.change_id) else {
            continue;
        };
        let state = records.entry(change.record_id).or_insert_with(|| RecordState {
            kind: change.kind,
            id: change.record_id,
            case_id: change.case_id,
            version: 0,
            fields: Fields::new(),
            updated_at: now,
        });
        if state.version > version {
            continue;
        }
        for (k, v) in &change.fields {
            state.fields.insert(k.clone(), v.clone());
        }
        state.version = version;
        state.updated_at = now;
        written.push(state.clone());
    }
    written
}

/// Applies the server's answers to the outbox; returns the change IDs the server now has.
pub fn apply_results(outbox: &mut Vec<OutboxItem>, results: &[ChangeResult]) -> Vec<Uuid> {
    let mut done = Vec::new();
    for r in results {
        let Some(change_id) = r.change_id else { continue };
        let Some(pos) = outbox.iter().position(|i| i.change.change_id == change_id) else {
            continue;
        };
        match after_push(r) {
            AfterPush::Done { version } => {
                let item = outbox.remove(pos);
                for later in outbox
                    .iter_mut()
                    .filter(|i| i.change.record_id == item.change.record_id)
                {
                    later.change.base_version = Some(version);
                }
                done.push(change_id);
            }
            AfterPush::Retry(note, reason) => {
                let item = &mut outbox[pos];
                item.attempts += 1;
                item.state = SendState::Waiting {
                    note: Some(note),
                    reason: Some(reason),
                };
            }
            AfterPush::Refused(message, reason) => {
                let item = &mut outbox[pos];
                item.attempts += 1;
                item.state = SendState::Refused {
                    message,
                    reason: Some(reason),
                };
            }
        }
    }
    done
}

/// Members of a case as the form rules need them.
pub fn member_facts<'a>(records: impl Iterator<Item = (&'a Uuid, &'a Fields)>) -> Vec<MemberFacts> {
    records
        .map(|(id, f)| crate::domain::record::Member::facts(*id, f))
        .collect()
}

/// The records the phone should forget after a full pull: those of cases the user may no longer
/// see (given to a colleague, merged into another), unless something queued for that case is
/// still waiting to be sent.
pub fn forgotten(records: &BTreeMap<Uuid, RecordState>, visible: &[Uuid], outbox: &[OutboxItem]) -> Vec<Uuid> {
    records
        .values()
        .filter(|r| !visible.contains(&r.case_id) && !outbox.iter().any(|i| i.change.case_id == r.case_id))
        .map(|r| r.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_confirmed_change_stays_on_screen_until_the_pull() {
        let (r, u) = (Uuid::now_v7(), Uuid::now_v7());
        let sent = item(r, None, json!({"village": "Plemetin"}), u).change;
        let edit = item(r, Some(1), json!({"phone": "044"}), u).change;
        let result = |c: &Change, outcome| ChangeResult {
            change_id: Some(c.change_id),
            record_id: Some(c.record_id),
            outcome,
        };
        let mut records = BTreeMap::new();
        let refused = Outcome::rejected(crate::domain::sync::Rejection::Invalid, vec![]);
        assert!(fold_confirmed(
            &mut records,
            std::slice::from_ref(&sent),
            &[result(&sent, refused)],
            Utc::now()
        )
        .is_empty());
        assert!(records.is_empty());
        let written = fold_confirmed(
            &mut records,
            &[sent.clone(), edit.clone()],
            &[
                result(&sent, Outcome::Applied { version: 1 }),
                result(&edit, Outcome::Applied { version: 2 }),
            ],
            Utc::now(),
        );
        assert_eq!(written.len(), 2);
        assert_eq!(records[&r].version, 2);
        assert_eq!(records[&r].fields["village"], json!("Plemetin"));
        assert_eq!(records[&r].fields["phone"], json!("044"));
    }

    #[test]
    fn a_case_no_longer_listed_is_forgotten_once_nothing_waits_for_it() {
        let (mine, gone, u) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let state = |id: Uuid, case_id: Uuid| RecordState {
            kind: RecordKind::Household,
            id,
            case_id,
            version: 1,
            fields: Fields::new(),
            updated_at: Utc::now(),
        };
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let records: BTreeMap<Uuid, RecordState> = [(a, state(a, mine)), (b, state(b, gone))].into_iter().collect();
        let mut queued = item(b, Some(1), json!({"phone": "1"}), u);
        queued.change.case_id = gone;
        assert_eq!(forgotten(&records, &[mine], &[queued]), Vec::<Uuid>::new());
        assert_eq!(forgotten(&records, &[mine], &[]), vec![b]);
        assert_eq!(forgotten(&records, &[mine, gone], &[]), Vec::<Uuid>::new());
    }

    fn item(record: Uuid, base: Option<i64>, fields: Value, user: Uuid) -> OutboxItem {
        OutboxItem {
            change: Change {
                change_id: Uuid::now_v7(),
                device_id: Uuid::nil(),
                kind: RecordKind::Household,
                record_id: record,
                case_id: record,
                base_version: base,
                fields: serde_json::from_value(fields).unwrap(),
                made_at: Utc::now(),
            },
            user_id: user,
            state: SendState::Waiting {
                note: None,
                reason: None,
            },
            attempts: 0,
        }
    }

    #[test]
    fn waiting_edits_of_one_record_become_one_change_unless_sending() {
        let (r, u) = (Uuid::now_v7(), Uuid::now_v7());
        let mut outbox = vec![];
        let first = enqueue(&mut outbox, item(r, Some(3), json!({"phone": "1"}), u), false);
        let second = enqueue(&mut outbox, item(r, Some(3), json!({"address": "2"}), u), false);
        assert_eq!(first, second);
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].change.fields.len(), 2);
        enqueue(&mut outbox, item(r, Some(3), json!({"address": "3"}), u), true);
        assert_eq!(outbox.len(), 2);
    }

    #[test]
    fn results_forget_confirmed_keep_the_rest_and_rebase_later_edits() {
        let (r, u) = (Uuid::now_v7(), Uuid::now_v7());
        let mut outbox = vec![
            item(r, None, json!({"village": "A"}), u),
            item(r, None, json!({"village": "B"}), u),
        ];
        let other = item(Uuid::now_v7(), Some(1), json!({"x": 1}), u);
        let refused = item(Uuid::now_v7(), Some(1), json!({"y": 1}), u);
        outbox.push(other.clone());
        outbox.push(refused.clone());
        let results = vec![
            ChangeResult {
                change_id: Some(outbox[0].change.change_id),
                record_id: None,
                outcome: Outcome::Applied { version: 1 },
            },
            ChangeResult {
                change_id: Some(other.change.change_id),
                record_id: None,
                outcome: Outcome::rejected(crate::domain::sync::Rejection::UnknownCase, vec![]),
            },
            ChangeResult {
                change_id: Some(refused.change.change_id),
                record_id: None,
                outcome: Outcome::rejected(crate::domain::sync::Rejection::Forbidden, vec![]),
            },
        ];
        let done = apply_results(&mut outbox, &results);
        assert_eq!(done.len(), 1);
        assert_eq!(outbox.len(), 3);
        assert_eq!(outbox[0].change.base_version, Some(1));
        // "Not yet" keeps the reason, to be put into the worker's words.
        assert!(matches!(
            outbox[1].state,
            SendState::Waiting {
                note: Some(_),
                reason: Some(crate::domain::sync::Rejection::UnknownCase)
            }
        ));
        assert!(matches!(outbox[2].state, SendState::Refused { .. }));
    }

    #[test]
    fn the_local_view_lays_waiting_changes_over_the_server_copy() {
        let (r, u) = (Uuid::now_v7(), Uuid::now_v7());
        let server = RecordState {
            kind: RecordKind::Household,
            id: r,
            case_id: r,
            version: 2,
            fields: serde_json::from_value(json!({"village": "A", "phone": "1"})).unwrap(),
            updated_at: Utc::now(),
        };
        let outbox = vec![item(r, Some(2), json!({"phone": null, "address": "X"}), u)];
        let f = local_fields(Some(&server), &outbox, r).unwrap();
        assert_eq!(
            f,
            serde_json::from_value::<Fields>(json!({"village": "A", "address": "X"})).unwrap()
        );
        let all = local_records(&[(r, server)].into(), &outbox);
        assert_eq!(all.len(), 1);
        assert!(all[0].pending);
    }

    #[test]
    fn diff_sends_only_what_changed() {
        let before: Fields = serde_json::from_value(json!({"a": "1", "b": "2", "c": "3"})).unwrap();
        let edited: Fields = serde_json::from_value(json!({"a": "1", "b": "9", "c": "", "d": ""})).unwrap();
        assert_eq!(
            diff(&before, &edited),
            serde_json::from_value::<Fields>(json!({"b": "9", "c": null})).unwrap()
        );
    }
}
