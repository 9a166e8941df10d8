-- The hour of a return, when known, makes the first visit due 72 elapsed hours after it: the
-- instant a follow-up falls overdue when that is not the end of its day, and whether a done
-- follow-up was done late (the first visit's lateness, kept for the indicators).
ALTER TABLE follow_up ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE follow_up ADD COLUMN late BOOLEAN NOT NULL DEFAULT FALSE;

-- The plans' clock runs its pass once per period however many server instances share the
-- database: an instance claims a pass by moving `started_at` forward, only when the last pass
-- started long enough ago. `passes` counts the passes claimed.
CREATE TABLE clock_pass (
    name TEXT PRIMARY KEY NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    instance TEXT NOT NULL,
    passes BIGINT NOT NULL
);
