-- OIDC sign-in identifies an account by the issuer's `sub` claim, the one identifier an issuer assigns and
-- never reassigns; `preferred_username` and the like are often chosen or editable by the user, so a token
-- carrying another person's name must not sign in as them. NULL: the account cannot sign in through OIDC.
-- Nothing is backfilled: a subject is the issuer's, and guessing it from the username would bring back
-- identification by name. Link accounts with `ect link-oidc --user NAME --subject SUB`.
ALTER TABLE users ADD COLUMN oidc_subject text UNIQUE;
