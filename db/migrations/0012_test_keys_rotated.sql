-- A key the vendor replaced itself (POST /applications/{id}/test-key/rotate) is revoked
-- as `rotated`, apart from `superseded` (a new key the city issued on rectification):
-- a complaint's key refusals say which key_revoked refusals followed the vendor's own
-- rotation. Keys revoked before this: a rotation is the history entry `key_rotate` of
-- the application at the second the key was revoked.
UPDATE test_keys SET revoked_reason = 'rotated'
WHERE revoked_reason = 'superseded' AND EXISTS (
  SELECT 1 FROM history h
  WHERE h.application_id = test_keys.application_id AND h.action = 'key_rotate' AND h.at = test_keys.revoked_at
);
