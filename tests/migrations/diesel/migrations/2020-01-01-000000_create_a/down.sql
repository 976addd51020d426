DROP ROLE app_reader;
