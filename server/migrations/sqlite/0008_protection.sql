-- Protection: the audit trail names the case, the person and the device a row is about, and the
-- reason when one was asked; its rows are append-only, enforced here as well as in the code.
ALTER TABLE audit_event ADD COLUMN case_id BLOB;
ALTER TABLE audit_event ADD COLUMN person_id BLOB;
ALTER TABLE audit_event ADD COLUMN device_id BLOB;
ALTER TABLE audit_event ADD COLUMN reason TEXT;
CREATE INDEX audit_event_case ON audit_event(case_id);
CREATE INDEX audit_event_person ON audit_event(person_id);
CREATE INDEX audit_event_actor ON audit_event(actor_id, at);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
