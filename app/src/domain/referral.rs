//! A referral's life: sent → accepted or declined → service given → closed. The partner
//! institution answers the first steps; each step keeps its date and feedback.

use super::assessment::{Need, Section};
use super::record::{Referral, ReferralKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The states a partner may move a referral to from `from`.
pub fn partner_next(from: &str) -> &'static [&'static str] {
    match from {
        "sent" => &["accepted", "declined"],
        "accepted" => &["service_given"],
        _ => &[],
    }
}

/// The kind of referral a need of an assessment section calls for (agriculture has none: it is
/// part of the plan, not a service of an institution).
pub fn kind_for(section: Section) -> Option<ReferralKind> {
    Some(match section {
        Section::CivilDocuments => ReferralKind::CivilDocuments,
        Section::Housing => ReferralKind::Housing,
        Section::Schooling => ReferralKind::Schooling,
        Section::Health => ReferralKind::Health,
        Section::Psychosocial => ReferralKind::Psychosocial,
        Section::Work => ReferralKind::Employment,
        Section::SocialAssistance => ReferralKind::SocialAssistance,
        Section::Agriculture => return None,
    })
}

/// A referral the form suggests from a need of the case's latest assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: ReferralKind,
    pub priority: String,
    pub note: String,
    pub assessment_id: Uuid,
}

/// The needs of `assessment` that no referral answers yet: none made from this assessment for
/// that kind, and none of that kind still open. Highest priority first.
pub fn suggestions<'a>(
    assessment_id: Uuid,
    answers: &Value,
    referrals: impl IntoIterator<Item = &'a Referral>,
) -> Vec<Suggestion> {
    let referrals: Vec<&Referral> = referrals.into_iter().collect();
    let covered = |kind: ReferralKind| {
        referrals.iter().any(|r| {
            r.kind() == Some(kind)
                && (r.assessment_id == Some(assessment_id) || !matches!(r.state(), "closed" | "declined"))
        })
    };
    let needs: Vec<Need> = crate::domain::record::assessment_record::needs_of(answers);
    let mut out: Vec<Suggestion> = Vec::new();
    for need in needs {
        let Some(kind) = kind_for(need.section) else { continue };
        if covered(kind) || out.iter().any(|s| s.kind == kind) {
            continue;
        }
        out.push(Suggestion {
            kind,
            priority: need.priority,
            note: need.note,
            assessment_id,
        });
    }
    let rank = |p: &str| super::assessment::PRIORITIES.iter().position(|x| *x == p).unwrap_or(9);
    out.sort_by_key(|s| rank(&s.priority));
    out
}

/// A referral as the partner institution sees it: only what it needs to give the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingReferral {
    pub id: Uuid,
    pub kind: String,
    pub state: String,
    pub sent_on: String,
    pub note: String,
    pub feedback: String,
    /// The person or family referred, and where they live.
    pub family: String,
    pub village: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub state: String,
    #[serde(default)]
    pub feedback: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    use crate::domain::record::TypedRecord;

    fn referral(v: Value) -> Referral {
        Referral::from_fields(&serde_json::from_value(v).unwrap()).unwrap()
    }

    #[test]
    fn partners_move_referrals_forward_only() {
        assert_eq!(partner_next("sent"), &["accepted", "declined"]);
        assert_eq!(partner_next("accepted"), &["service_given"]);
        assert!(partner_next("declined").is_empty());
        assert!(partner_next("closed").is_empty());
    }

    #[test]
    fn the_worker_closes_on_the_phone_and_the_state_follows() {
        let sent = referral(json!({"kind": "housing", "sent_on": "2026-11-02"}));
        assert_eq!((sent.state(), sent.partner_answered()), ("sent", false));
        let given = referral(json!({"state": "service_given", "answered_on": "2026-11-04"}));
        assert_eq!((given.state(), given.partner_answered()), ("service_given", true));
        let closed =
            referral(json!({"state": "service_given", "answered_on": "2026-11-04", "closed_on": "2026-11-09"}));
        assert_eq!((closed.state(), closed.partner_answered()), ("closed", true));
        let withdrawn = referral(json!({"closed_on": "2026-11-03"}));
        assert_eq!((withdrawn.state(), withdrawn.partner_answered()), ("closed", false));
    }

    #[test]
    fn needs_suggest_referrals_until_one_is_made() {
        let a = Uuid::from_u128(1);
        let answers = json!({"needs": [
            {"section": "agriculture", "priority": "high"},
            {"section": "schooling", "priority": "low", "note": "Grade 5 certificate"},
            {"section": "housing", "priority": "high", "note": "Roof leaks"},
            {"section": "work", "priority": "medium"},
        ]});
        let kinds = |s: Vec<Suggestion>| s.into_iter().map(|s| s.kind).collect::<Vec<_>>();
        use ReferralKind::*;
        assert_eq!(
            kinds(suggestions(a, &answers, [])),
            vec![Housing, Employment, Schooling]
        );
        // A housing referral from this assessment, even declined, answers the need; an open
        // employment referral from before does too; a closed older schooling one does not.
        let made = [
            referral(json!({"kind": "housing", "assessment_id": a.to_string(), "state": "declined"})),
            referral(json!({"kind": "employment", "state": "accepted"})),
            referral(json!({"kind": "schooling", "closed_on": "2026-01-01"})),
        ];
        assert_eq!(kinds(suggestions(a, &answers, made.iter())), vec![Schooling]);
    }
}
