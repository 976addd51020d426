-- Rollback of 011 (incomplete: session_expired() is left behind).
DROP TABLE invitations;
DROP TABLE legacy_tokens;
DROP TABLE sessions;
