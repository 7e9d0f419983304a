-- 019_documents.sql — the document vault (issue 13): photos and PDFs of a
-- family (prescriptions, insurance cards, discharge reports, lab results),
-- optionally about one person. The bytes are files under
-- DATA_DIR/documents/, named by a random server-made name (never by
-- anything a client sent), which lighttpd sends itself (X-Sendfile); a row
-- here says what each file is. Files never change once written: a new
-- preview is a new file.

CREATE TABLE documents (
  id           TEXT PRIMARY KEY,                  -- server-made UUID
  family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id   TEXT REFERENCES subjects(id),      -- NULL: the whole family's
  title        TEXT NOT NULL,
  category     TEXT NOT NULL CHECK (category IN ('prescription', 'insurance', 'discharge',
                                                 'lab', 'imaging', 'report', 'id', 'other')),
  doc_date     TEXT,                              -- YYYY-MM-DD the paper is dated
  visibility   TEXT NOT NULL DEFAULT 'all' CHECK (visibility IN ('all', 'owners')),
  filename     TEXT NOT NULL,                     -- a safe download name, made by the server
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp',
                                                     'image/heic', 'application/pdf')),
  size         INTEGER NOT NULL CHECK (size > 0),
  sha256       TEXT NOT NULL,                     -- hex, of the file's bytes
  file         TEXT NOT NULL UNIQUE,              -- name under DATA_DIR/documents/
  preview_file TEXT UNIQUE,                       -- the browser-made preview, if any
  preview_type TEXT CHECK (preview_type IS NULL OR preview_type IN ('image/jpeg', 'image/webp',
                                                                    'image/png')),
  preview_size INTEGER,
  created_by   TEXT REFERENCES members(id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  deleted_at   INTEGER,                           -- a tombstone for the sync; files gone
  seq          INTEGER NOT NULL UNIQUE            -- its version, and its place in the stream
) STRICT;
CREATE INDEX documents_family_seq ON documents(family_id, seq);
CREATE INDEX documents_family_date ON documents(family_id, doc_date DESC, created_at DESC);

-- Files whose row went away (a family deleted: the rows cascade; a document
-- deleted; a preview replaced): the documents program removes each file and
-- its line here after the deletion committed, so a rolled-back deletion
-- never loses a file and no deletion path can forget one.
CREATE TABLE document_files_gone (
  file TEXT PRIMARY KEY
) STRICT;

CREATE TRIGGER documents_gone AFTER DELETE ON documents BEGIN
  INSERT OR IGNORE INTO document_files_gone (file) VALUES (old.file);
  INSERT OR IGNORE INTO document_files_gone (file) SELECT old.preview_file
    WHERE old.preview_file IS NOT NULL;
END;
CREATE TRIGGER documents_deleted AFTER UPDATE OF deleted_at ON documents
  WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN
  INSERT OR IGNORE INTO document_files_gone (file) VALUES (old.file);
  INSERT OR IGNORE INTO document_files_gone (file) SELECT old.preview_file
    WHERE old.preview_file IS NOT NULL;
END;
CREATE TRIGGER documents_preview_replaced AFTER UPDATE OF preview_file ON documents
  WHEN old.preview_file IS NOT NULL AND old.preview_file IS NOT new.preview_file BEGIN
  INSERT OR IGNORE INTO document_files_gone (file) VALUES (old.preview_file);
END;
