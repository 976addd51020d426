REVOKE ALL ON notes FROM notes_app;
DROP ROLE notes_app;
DROP TABLE notes;
