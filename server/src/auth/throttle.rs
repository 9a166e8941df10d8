//! Failed sign-ins are counted per account and per network address; past a limit inside the
//! window the key is locked for a while. Counters live in the database so a restart does not
//! reset them and several server processes share them.

use crate::storage::ThrottleRow;
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed inside `window` before the key is locked.
    pub max_failures: i32,
    pub window: Duration,
    pub lockout: Duration,
}

/// `Err(seconds)` while the key is locked.
pub fn check(row: Option<&ThrottleRow>, now: DateTime<Utc>) -> Result<(), u64> {
    match row.and_then(|r| r.locked_until) {
        Some(until) if until > now => Err((until - now).num_seconds().max(1) as u64),
        _ => Ok(()),
    }
}

/// The counter after one more failure at `now`.
pub fn after_failure(key: &str, row: Option<ThrottleRow>, now: DateTime<Utc>, policy: Policy) -> ThrottleRow {
    let mut row = match row {
        Some(r) if now - r.window_started_at < policy.window => r,
        _ => ThrottleRow {
            key: key.to_string(),
            failures: 0,
            window_started_at: now,
            locked_until: None,
        },
    };
    row.failures += 1;
    if row.failures >= policy.max_failures {
        row.locked_until = Some(now + policy.lockout);
        // The next window starts when the lock ends: one more failure then locks again at once.
        row.failures = policy.max_failures - 1;
        row.window_started_at = now + policy.lockout;
    }
    row
}

pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        max_failures: 3,
        window: Duration::minutes(15),
        lockout: Duration::minutes(10),
    };

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn locks_after_the_limit_and_unlocks_after_the_lockout() {
        let mut row = None;
        for i in 0..2 {
            row = Some(after_failure("user:a", row, t(i), POLICY));
            assert_eq!(check(row.as_ref(), t(i)), Ok(()));
        }
        row = Some(after_failure("user:a", row, t(2), POLICY));
        assert_eq!(check(row.as_ref(), t(2)), Err(600));
        assert_eq!(check(row.as_ref(), t(11)), Err(60));
        assert_eq!(check(row.as_ref(), t(12)), Ok(()));
        // Right after the lock, one more failure locks again.
        row = Some(after_failure("user:a", row, t(13), POLICY));
        assert!(check(row.as_ref(), t(13)).is_err());
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let row = after_failure("user:a", None, t(0), POLICY);
        let row = after_failure("user:a", Some(row), t(1), POLICY);
        let row = after_failure("user:a", Some(row), t(30), POLICY);
        assert_eq!(row.failures, 1);
        assert_eq!(check(Some(&row), t(30)), Ok(()));
    }

    #[test]
    fn keys_are_case_insensitive_for_accounts() {
        assert_eq!(account_key(" Admin "), account_key("admin"));
        assert_ne!(account_key("admin"), address_key("admin"));
    }
}
