DO $$
BEGIN
  EXECUTE 'GRANT ALL ON ' || quote_ident('t') || ' TO PUBLIC';
  IF current_setting('app.tenant', true) IS NULL THEN
    RAISE NOTICE 'no tenant';
  END IF;
END
$$;
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS $f$
DECLARE n int;
BEGIN SELECT count(*) INTO n FROM tenants; RETURN n; END $f$;
