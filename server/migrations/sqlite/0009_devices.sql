-- Devices: the key the server keeps for each user on each phone or tablet, handed over once per
-- online sign-in so the phone can recover its data key when its PIN is forgotten; and the
-- devices marked lost, whose keys are never handed over again.
CREATE TABLE device_key (
    user_id BLOB NOT NULL REFERENCES app_user(id),
    device_id BLOB NOT NULL,
    secret BLOB NOT NULL,
    created_at TEXT NOT NULL,
    handed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
CREATE INDEX device_key_device ON device_key(device_id);

CREATE TABLE lost_device (
    device_id BLOB PRIMARY KEY NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    marked_by BLOB NOT NULL REFERENCES app_user(id),
    marked_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
