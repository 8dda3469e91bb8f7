-- The one masking rule for member SSNs: only the last four digits ever leave the database.

CREATE FUNCTION masked_ssn(ssn text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN length(ssn) >= 4 THEN '***-**-' || right(ssn, 4) ELSE '' END $$;
