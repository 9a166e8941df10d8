//! The end of a case: when the final assessment opens, what must be done before a closure can
//! be requested, which request waits for the supervisor, and the hashes that bind a decision
//! to the exact content it decided on (a closure request, a housing application).

use super::plan::{canonical_hash, PlanRecords, PlanState};
use super::record::{Closure, ClosureDecision, Fields, HousingApplication, RecordKind, Referral, TypedRecord};
use super::{FieldError, Problem};
use chrono::{Months, NaiveDate};
use serde_json::json;
use uuid::Uuid;

/// The final assessment may be done from the 17th month after the return (the plans close a
/// case after 18 months).
pub fn final_assessment_opens(returned_on: NaiveDate) -> NaiveDate {
    returned_on + Months::new(17)
}

/// What a supervisor's decision on a closure request binds to: everything the request says
/// except the instant it was made.
pub fn closure_hash(c: &Closure) -> String {
    canonical_hash(&json!({
        "reason": c.reason,
        "note": c.note,
        "to_municipality_id": c.to_municipality_id,
        "final_assessment_id": c.final_assessment_id,
    }))
}

/// What a commission's decision binds to: the kind, the dossier, and when it was applied for
/// and appealed (the execution comes after the decision and does not change it).
pub fn application_hash(a: &HousingApplication) -> String {
    let mut documents = a.documents.clone();
    documents.sort();
    canonical_hash(&json!({
        "kind": a.kind,
        "applied_on": a.applied_on,
        "documents": documents,
        "appealed_on": a.appealed_on,
    }))
}

/// What must be done before a case may be closed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blockers {
    /// Referrals still waiting for the institution's answer or for the service.
    pub open_referrals: Vec<Uuid>,
    /// The plan has changes (or a draft) that no supervisor approved.
    pub plan_not_approved: bool,
}

impl Blockers {
    pub fn is_empty(&self) -> bool {
        self.open_referrals.is_empty() && !self.plan_not_approved
    }

    /// As the refusal's field errors, one per thing to do.
    pub fn errors(&self) -> Vec<FieldError> {
        let mut out: Vec<FieldError> = self
            .open_referrals
            .iter()
            .map(|id| FieldError::new(format!("referral.{id}"), Problem::OpenReferral))
            .collect();
        if self.plan_not_approved {
            out.push(FieldError::new("plan", Problem::PlanNotApproved));
        }
        out
    }
}

/// The closure state of one case, read from its records as the phone and the server hold them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseEnd {
    pub blockers: Blockers,
    /// Closure requests with the decisions naming each, oldest first.
    pub requests: Vec<(Uuid, Closure, Vec<ClosureDecision>)>,
}

impl CaseEnd {
    pub fn read<'a>(records: impl IntoIterator<Item = (RecordKind, Uuid, &'a Fields)> + Clone) -> Self {
        let mut end = CaseEnd::default();
        let mut decisions = Vec::new();
        for (kind, id, fields) in records.clone() {
            match kind {
                RecordKind::Referral => {
                    let Ok(r) = Referral::from_fields(fields) else { continue };
                    if matches!(r.state(), "sent" | "accepted") {
                        end.blockers.open_referrals.push(id);
                    }
                }
                RecordKind::Closure => {
                    if let Ok(c) = Closure::from_fields(fields) {
                        end.requests.push((id, c, Vec::new()));
                    }
                }
                RecordKind::ClosureDecision => {
                    if let Ok(d) = ClosureDecision::from_fields(fields) {
                        decisions.push(d);
                    }
                }
                _ => {}
            }
        }
        let plan = PlanRecords::read(records).status();
        end.blockers.plan_not_approved = !matches!(plan.state, PlanState::None | PlanState::Approved);
        for d in decisions {
            if let Some(r) = end.requests.iter_mut().find(|(id, _, _)| Some(*id) == d.closure_id) {
                r.2.push(d);
            }
        }
        end.requests.sort_by_key(|(id, c, _)| (c.requested_at, *id));
        end
    }

    /// The request waiting for the supervisor: the one no decision has answered yet.
    pub fn pending(&self) -> Option<(Uuid, &Closure)> {
        self.requests
            .iter()
            .find(|(_, _, ds)| ds.is_empty())
            .map(|(id, c, _)| (*id, c))
    }

    /// The request that closed the case, with the decision that approved it.
    pub fn approved(&self) -> Option<(Uuid, &Closure, &ClosureDecision)> {
        self.requests
            .iter()
            .rev()
            .find_map(|(id, c, ds)| ds.iter().find(|d| d.approves()).map(|d| (*id, c, d)))
    }

    /// Answered requests by id: a request a decision named is history, not to be edited.
    pub fn is_decided(&self, id: Uuid) -> bool {
        self.requests.iter().any(|(r, _, ds)| *r == id && !ds.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::TypedRecord;
    use serde_json::Value;

    fn fields(v: Value) -> Fields {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_final_assessment_opens_in_the_17th_month() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(final_assessment_opens(d("2025-03-31")), d("2026-08-31"));
        assert_eq!(final_assessment_opens(d("2025-01-10")), d("2026-06-10"));
    }

    #[test]
    fn closure_waits_for_open_referrals_and_an_unapproved_plan() {
        let (r1, r2, r3) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let sent = fields(json!({"kind": "housing", "sent_on": "2026-01-05"}));
        let accepted = fields(json!({"kind": "health", "sent_on": "2026-01-05", "state": "accepted"}));
        let given = fields(json!({"kind": "health", "sent_on": "2026-01-05", "state": "service_given"}));
        let plan = fields(json!({"plan_type": "pir", "items": []}));
        let records = [
            (RecordKind::Referral, r1, &sent),
            (RecordKind::Referral, r2, &accepted),
            (RecordKind::Referral, r3, &given),
            (RecordKind::Plan, Uuid::from_u128(4), &plan),
        ];
        let end = CaseEnd::read(records.iter().map(|(k, i, f)| (*k, *i, *f)));
        assert_eq!(end.blockers.open_referrals, vec![r1, r2]);
        // A plan no supervisor ever approved.
        assert!(end.blockers.plan_not_approved);
        assert_eq!(end.blockers.errors().len(), 3);
        assert_eq!(
            end.blockers.errors()[2],
            FieldError::new("plan", Problem::PlanNotApproved)
        );
        // Nothing open, no plan: nothing to wait for.
        let quiet = CaseEnd::read([(RecordKind::Referral, r3, &given)]);
        assert!(quiet.blockers.is_empty());
    }

    #[test]
    fn a_decision_binds_to_the_request_s_content_not_its_instant() {
        let mut c = Closure {
            reason: Some("stable_reintegration".into()),
            requested_at: Some(chrono::Utc::now()),
            ..Default::default()
        };
        let h = closure_hash(&c);
        assert_eq!(h.len(), 64);
        c.requested_at = None;
        assert_eq!(closure_hash(&c), h);
        c.reason = Some("left_kosovo".into());
        assert_ne!(closure_hash(&c), h);
        let mut a = HousingApplication {
            kind: Some("furniture".into()),
            documents: vec!["b".into(), "a".into()],
            ..Default::default()
        };
        let before = application_hash(&a);
        a.documents.reverse();
        a.executed_on = NaiveDate::from_ymd_opt(2026, 5, 1);
        assert_eq!(application_hash(&a), before);
        a.documents.push("c".into());
        assert_ne!(application_hash(&a), before);
    }

    #[test]
    fn the_pending_request_is_the_one_without_a_decision() {
        let (a, b) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let first = Closure {
            reason: Some("unreachable".into()),
            requested_at: "2026-01-01T10:00:00Z".parse().ok(),
            ..Default::default()
        }
        .to_fields();
        let second = Closure {
            reason: Some("stable_reintegration".into()),
            requested_at: "2026-02-01T10:00:00Z".parse().ok(),
            ..Default::default()
        }
        .to_fields();
        let returned = ClosureDecision {
            closure_id: Some(a),
            decision: Some("returned".into()),
            ..Default::default()
        }
        .to_fields();
        let records = [
            (RecordKind::Closure, b, &second),
            (RecordKind::Closure, a, &first),
            (RecordKind::ClosureDecision, Uuid::from_u128(12), &returned),
        ];
        let end = CaseEnd::read(records.iter().map(|(k, i, f)| (*k, *i, *f)));
        assert_eq!(end.pending().map(|(id, _)| id), Some(b));
        assert!(end.is_decided(a) && !end.is_decided(b));
        assert!(end.approved().is_none());
    }
}
