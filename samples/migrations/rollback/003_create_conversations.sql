-- Rollback of 003.
DROP TABLE messages;
DROP TABLE conversations;
