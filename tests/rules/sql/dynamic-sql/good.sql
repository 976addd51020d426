DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'b') THEN
    CREATE ROLE b;
  END IF;
END
$$;
DO LANGUAGE plpgsql 'BEGIN CREATE TABLE u (id int); END';
