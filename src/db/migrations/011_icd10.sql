-- ICD-10-CM diagnosis codes (CMS, public domain) for the AF 348's diagnosis: a curated list seeded with the
-- reference data, and the complete code set when an installation loads it (`ect admin import-icd10 FILE`).
-- Searched by code prefix and by words of the description (ect.v1.Icd10Service), with the same SQL on
-- PostgreSQL and PGlite: no pg_trgm (an extension PGlite would have to load and PostgreSQL to have
-- installed), but core full-text search and a C-collated primary key.
CREATE TABLE icd10_codes (
  -- As CMS writes it, without the dot ("S62101A"). Collation "C": the keyset order is byte order on both
  -- databases, and `code LIKE 'S62%'` is a range scan of the primary key whatever the database's collation.
  code         text    COLLATE "C" PRIMARY KEY CHECK (code ~ '^[A-Z][0-9][0-9A-Z]{1,5}$'),
  -- As written on a form, with the dot after the three-character category ("S62.101A").
  display_code text    GENERATED ALWAYS AS (
                 CASE WHEN length(code) > 3 THEN left(code, 3) || '.' || substr(code, 4) ELSE code END
               ) STORED,
  -- The long description of the CMS file.
  description  text    NOT NULL CHECK (description <> '' AND length(description) <= 400),
  -- Valid for submission (a leaf); false for a category header (flag 0 of the CMS order file).
  billable     boolean NOT NULL,
  -- The description's words for the word search. 'simple': every word kept as written (lower case), no
  -- stemming and no stop words, so a typed prefix ("fract") matches the word it starts ("fracture").
  words        tsvector GENERATED ALWAYS AS (to_tsvector('simple', description)) STORED
);

-- Word search: `words @@ to_tsquery('simple', 'sprain:* & knee:*')`; the code prefix and the keyset use the
-- primary key.
CREATE INDEX icd10_codes_by_words ON icd10_codes USING gin (words);
