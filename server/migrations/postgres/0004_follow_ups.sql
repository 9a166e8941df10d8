-- The plans' clock, stored: every follow-up the rules give for a case, rebuilt from the case's
-- records after each write and on a timer (overdue ones are escalated to the supervisor once).
CREATE TABLE follow_up (
    case_id UUID NOT NULL,
    -- Stable within the case: first_visit, monitoring:3, referral:<id>.
    key TEXT NOT NULL,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    -- first_visit, monitoring, quarterly_review, housing_review, final_assessment, referral:<kind>.
    kind TEXT NOT NULL,
    due_on DATE NOT NULL,
    -- due, done, overdue, cancelled.
    status TEXT NOT NULL,
    -- The record that fulfilled it.
    done_by UUID,
    -- When it was first found overdue and put on the supervisor's list.
    escalated_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, key)
);
CREATE INDEX follow_up_municipality_due ON follow_up(municipality_id, due_on);

-- A municipality's own number of days from sending a referral to its follow-up, by kind.
CREATE TABLE referral_days (
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    kind TEXT NOT NULL,
    days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
    updated_by UUID NOT NULL REFERENCES app_user(id),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality_id, kind)
);
