-- 010_passkeys.sql — passkeys (WebAuthn): a member signs in with a key
-- their phone or computer keeps, unlocked by a fingerprint, face or PIN,
-- instead of a password. See cgi-bin/lib/security/webauthn.h.

-- A registered credential. The public key is kept as DER
-- SubjectPublicKeyInfo (made from the authenticator's COSE key), with its
-- algorithm: -7 ES256 (ECDSA P-256 with SHA-256) or -8 EdDSA (Ed25519).
-- rp_id is the site the credential is bound to; sign_count the last
-- signature counter seen, so a copied authenticator gives itself away.
CREATE TABLE passkeys (
  id           TEXT PRIMARY KEY,              -- the credential id, base64url
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  public_key   BLOB NOT NULL,
  alg          INTEGER NOT NULL CHECK (alg IN (-7, -8)),
  rp_id        TEXT NOT NULL,
  sign_count   INTEGER NOT NULL DEFAULT 0,
  name         TEXT NOT NULL,                 -- "Pixel 8", chosen by the member
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;
CREATE INDEX passkeys_user ON passkeys(user_id);

-- Challenges handed out for one registration or sign-in: used once (taken
-- in the transaction that checks the answer), five minutes at most. Only
-- a hash is kept, like every token here.
CREATE TABLE webauthn_challenges (
  challenge_hash TEXT PRIMARY KEY,
  purpose        TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
  user_id        TEXT REFERENCES users(id) ON DELETE CASCADE, -- whose registration
  expires_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges(expires_at);
