//! What an applied change causes after its commit: a duplicate-person check for a member, its
//! case's follow-ups rescheduled (and so escalated when overdue). Done right after the push,
//! done again for a resent change, and finished by [`SyncService::finish_after_writes`] for any
//! change a crash left undone: its row in `after_write` commits with the change. Every effect is
//! idempotent, so doing one twice changes nothing.

use super::SyncService;
use crate::records::merged_into;
use crate::storage::AfterWrite;
use app::api::ApiError;
use app::domain::RecordKind;
use std::collections::BTreeSet;

/// After-writes taken per pass of the sweeper.
const BATCH: i64 = 200;

impl SyncService {
    /// Runs the effects of these changes, each case rescheduled once, then marks them done.
    pub(super) async fn after_writes(&self, writes: &[AfterWrite]) -> Result<(), ApiError> {
        let members: Vec<_> = writes
            .iter()
            .filter(|w| w.kind == RecordKind::Member)
            .map(|w| w.record_id)
            .collect();
        self.duplicates.look_for_all(&members).await?;
        let cases: BTreeSet<_> = writes.iter().map(|w| w.case_id).collect();
        for case_id in cases {
            // A merged case's changes went to the case it was merged into: schedule that one.
            let case_id = match self.ctx.store.record(case_id).await? {
                Some(c) => merged_into(&c).unwrap_or(case_id),
                None => case_id,
            };
            self.follow_ups.schedule_case(case_id, self.ctx.now()).await?;
        }
        let ids: Vec<_> = writes.iter().map(|w| w.change_id).collect();
        Ok(self.ctx.store.after_writes_done(&ids).await?)
    }

    /// Finishes every after-write still waiting (the server died between a commit and its
    /// effects). Run at start-up and with the plans' clock; returns how many it finished.
    pub async fn finish_after_writes(&self) -> Result<usize, ApiError> {
        let mut done = 0;
        loop {
            let batch = self.ctx.store.pending_after_writes(BATCH).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            self.after_writes(&batch).await?;
            done += batch.len();
        }
    }
}
