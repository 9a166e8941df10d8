//! A referral's life: sent → accepted or declined → service given → closed. The partner
//! institution answers the first steps; each step keeps its date and feedback.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const STATES: &[&str] = &["sent", "accepted", "declined", "service_given", "closed"];

/// The states a partner may move a referral to from `from`.
pub fn partner_next(from: &str) -> &'static [&'static str] {
    match from {
        "sent" => &["accepted", "declined"],
        "accepted" => &["service_given"],
        _ => &[],
    }
}

/// True once the partner has answered (the follow-up is then done).
pub fn is_answered(state: &str) -> bool {
    state != "sent"
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

    #[test]
    fn partners_move_referrals_forward_only() {
        assert_eq!(partner_next("sent"), &["accepted", "declined"]);
        assert_eq!(partner_next("accepted"), &["service_given"]);
        assert!(partner_next("declined").is_empty());
        assert!(partner_next("closed").is_empty());
        assert!(!is_answered("sent") && is_answered("declined"));
    }
}
