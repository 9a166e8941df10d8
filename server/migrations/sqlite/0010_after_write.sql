-- What an applied change still causes after its commit (a duplicate-person check, its case's
-- follow-ups rescheduled): written in the change's own transaction and removed once done, so a
-- server that dies between the two finishes the work when it is back.
CREATE TABLE after_write (
    change_id BLOB PRIMARY KEY NOT NULL,
    record_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);
