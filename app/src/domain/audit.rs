//! The audit trail as supervisors and administrators read it: the filter they set and the rows
//! they get. Rows are written by the server only, never changed.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The screen's filter. Days are Kosovo's calendar days, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    /// An action or its start: `case.read`, `record`, `refused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// At most this many rows on the screen and in one export (newest first).
pub const MAX_ROWS: i64 = 5000;

impl AuditFilter {
    /// The period as instants: from the first day's local midnight to the one after the last day.
    pub fn instants(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let start = |d: NaiveDate| super::follow_up::overdue_from(d.checked_sub_days(Days::new(1)).unwrap_or(d));
        (self.from.map(start), self.to.map(super::follow_up::overdue_from))
    }

    /// The query string the screen and the export link send.
    pub fn query(&self) -> String {
        query_pairs(self)
    }
}

fn query_pairs(f: &AuditFilter) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", percent_encode(&v)));
        }
    };
    add("case_id", f.case_id.map(|u| u.to_string()));
    add("person_id", f.person_id.map(|u| u.to_string()));
    add("user_id", f.user_id.map(|u| u.to_string()));
    add("action", f.action.clone());
    add("from", f.from.map(|d| d.to_string()));
    add("to", f.to.map(|d| d.to_string()));
    parts.join("&")
}

/// Percent-encodes what is not an unreserved URL character.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every action the server writes into the trail, by its code. Besides these, a refusal by the
/// permission table is `refused.<permission>` (`crate::domain::Action::as_str`). The server
/// writes no other (checked when each row is made), and the screen names each in words.
pub const ACTIONS: &[&str] = &[
    "attachment.read",
    "attachment.upload",
    "audit.export",
    "audit.read",
    "case.appoint_case_manager",
    "case.close",
    "case.lift_restriction",
    "case.read_on_phone",
    "case.reassign",
    "case.reopen",
    "case.restrict",
    "case.restriction",
    "case.transfer",
    "caseload.pull",
    "conflict.resolve",
    "dashboard.read",
    "device.key_handed",
    "device.key_refused",
    "device.marked_lost",
    "duplicate.dismiss",
    "duplicate.read",
    "early_warning.set",
    "export.cases",
    "export.follow-ups",
    "export.plans",
    "export.referrals",
    "follow_up.escalate",
    "follow_up.read",
    "indicators.adopt",
    "indicators.by_hand",
    "indicators.cases",
    "indicators.edit",
    "indicators.export",
    "indicators.export_cases",
    "indicators.national",
    "indicators.report",
    "person.merge",
    "record.create",
    "record.refused",
    "record.update",
    "referral.answer",
    "referral.read",
    "referral_days.set",
    "school.save",
    "schooling.pull",
    "service.create",
    "service.restore",
    "service.retire",
    "service.update",
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "sync.departing_push",
    "user.create",
    "user.disable",
    "user.enable",
    "user.read",
    "user.roles",
];

/// An action the trail may hold: one of [`ACTIONS`] or a refusal of a known permission.
pub fn is_known_action(action: &str) -> bool {
    ACTIONS.contains(&action)
        || action
            .strip_prefix("refused.")
            .is_some_and(|p| crate::domain::Action::ALL.iter().any(|a| a.as_str() == p))
}

/// The label keys of an action in words: its own name (`au_…`), and for a refusal the
/// permission refused (`ac_…`). An action the screen does not know is `au_other`.
pub fn action_words(action: &str) -> (String, Option<String>) {
    if let Some(permission) = action.strip_prefix("refused.") {
        return ("au_refused".into(), Some(format!("ac_{permission}")));
    }
    if ACTIONS.contains(&action) {
        (format!("au_{}", action.replace(['.', '-'], "_")), None)
    } else {
        ("au_other".into(), None)
    }
}

/// One row as the screen shows it: who, when, what, on which case and person, from which
/// device, and why where a reason was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    /// The user's name, or empty for the server's own work (the clock).
    pub user_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub case_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
    pub reason: Option<String>,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_period_runs_from_the_first_local_midnight_to_the_one_after_the_last_day() {
        let f = AuditFilter {
            from: NaiveDate::from_ymd_opt(2026, 7, 1),
            to: NaiveDate::from_ymd_opt(2026, 7, 31),
            ..Default::default()
        };
        // Kosovo is two hours ahead of UTC in summer.
        assert_eq!(
            f.instants(),
            (
                Some(Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap()),
                Some(Utc.with_ymd_and_hms(2026, 7, 31, 22, 0, 0).unwrap())
            )
        );
        assert_eq!(AuditFilter::default().instants(), (None, None));
    }

    #[test]
    fn the_query_string_names_only_what_is_set_and_escapes_it() {
        let case = Uuid::parse_str("0192f1a0-0000-7000-8000-000000000001").unwrap();
        let f = AuditFilter {
            case_id: Some(case),
            action: Some("case.read & more".into()),
            from: NaiveDate::from_ymd_opt(2026, 1, 2),
            ..Default::default()
        };
        assert_eq!(
            f.query(),
            "case_id=0192f1a0-0000-7000-8000-000000000001&action=case.read%20%26%20more&from=2026-01-02"
        );
    }
}
