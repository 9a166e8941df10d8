-- One name per concept, as in the code and the protocol: a case's worker is its field worker
-- (`field_worker_id`, as phones see it), a suggestion that two people are one is a duplicate.
ALTER TABLE record RENAME COLUMN assignee_id TO field_worker_id;
ALTER TABLE duplicate_suggestion RENAME TO duplicate;
