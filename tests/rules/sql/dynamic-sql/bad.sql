DO $$
BEGIN
  EXECUTE format('GRANT ALL ON %I TO PUBLIC', 't');
END
$$;
