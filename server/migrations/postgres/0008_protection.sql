-- Protection: the audit trail names the case, the person and the device a row is about, and the
-- reason when one was asked; its rows are append-only, enforced here as well as in the code.
ALTER TABLE audit_event ADD COLUMN case_id UUID;
ALTER TABLE audit_event ADD COLUMN person_id UUID;
ALTER TABLE audit_event ADD COLUMN device_id UUID;
ALTER TABLE audit_event ADD COLUMN reason TEXT;
CREATE INDEX audit_event_case ON audit_event(case_id);
CREATE INDEX audit_event_person ON audit_event(person_id);
CREATE INDEX audit_event_actor ON audit_event(actor_id, at);

CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
