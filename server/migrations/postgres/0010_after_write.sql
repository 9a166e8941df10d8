-- What an applied change still causes after its commit (a duplicate-person check, its case's
-- follow-ups rescheduled): written in the change's own transaction and removed once done, so a
-- server that dies between the two finishes the work when it is back.
CREATE TABLE after_write (
    change_id UUID PRIMARY KEY,
    record_id UUID NOT NULL,
    case_id UUID NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
