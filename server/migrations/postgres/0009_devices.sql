-- Devices: the key the server keeps for each user on each phone or tablet, handed over once per
-- online sign-in so the phone can recover its data key when its PIN is forgotten; and the
-- devices marked lost, whose keys are never handed over again.
CREATE TABLE device_key (
    user_id UUID NOT NULL REFERENCES app_user(id),
    device_id UUID NOT NULL,
    secret BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    handed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
CREATE INDEX device_key_device ON device_key(device_id);

CREATE TABLE lost_device (
    device_id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    marked_by UUID NOT NULL REFERENCES app_user(id),
    marked_at TIMESTAMPTZ NOT NULL,
    reason TEXT NOT NULL
);
