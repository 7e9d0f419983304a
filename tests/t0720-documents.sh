#!/bin/bash
# t0720-documents.sh — the document vault: every route and role; the type
# told by the bytes (each of JPEG, PNG, WebP, HEIC and PDF accepted, HTML
# named .pdf refused); 413 over 20 MB from the Content-Length, before the
# body is sent; owners-only documents invisible (404) to caregivers and
# viewers; another family's documents 404; downloads sent by lighttpd
# (X-Sendfile) with Content-Type, Content-Disposition: attachment and
# nosniff, a Range request answered 206; an audit row per download; the
# browser-made preview; delete removes the files; deleting a family
# (DELETE /families/{fid}, the owner naming it) removes its rows and files; a document survives carelogctl backup and restore.
. "$(dirname "$0")/lib.sh"

ctl() { DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" "$@"; }
start_server REGISTRATION=open
signup ana
signup bob
signup vic
signup oto
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
OFID=$(AS=oto new_family Other)
D="/api/v1/families/$FID/documents"
F="$T_DIR/files"
mkdir -p "$F"
# Files of each kind: their first bytes, then padding.
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00' > "$F/a.jpg"
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR' > "$F/a.png"
printf 'RIFF\x24\x00\x00\x00WEBPVP8 ' > "$F/a.webp"
printf '\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic' > "$F/a.heic"
{ printf '%%PDF-1.7\n'; head -c 200000 /dev/urandom | base64; printf '\n%%%%EOF\n'; } > "$F/a.pdf"
printf '<!doctype html><script>alert(1)</script>' > "$F/evil.pdf"
# send METHOD PATH FILE — as $AS, FILE as the raw body (req sends JSON or
# nothing); STATUS, body and headers as req's.
send() {
    STATUS=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' \
        -b "$T_DIR/jar-$AS" -c "$T_DIR/jar-$AS" -X "$1" --max-time 20 \
        -H "X-CSRF-Token: $(cat "$T_DIR/csrf-$AS")" -H "Content-Type: application/octet-stream" \
        --data-binary "@$3" "$BASE$2")
}
# upload FILE QUERY — as $AS, POSTs FILE (with a misleading client
# Content-Type: the server must not care).
upload() { send POST "$D?$2" "$1"; }
files() { find "$T_DIR/data/documents" -type f ! -name '.tmp-*' 2>/dev/null | wc -l; }

# ---- each type by its bytes ----
for k in jpg:image/jpeg png:image/png webp:image/webp heic:image/heic pdf:application/pdf; do
    ext=${k%%:*} type=${k#*:}
    upload "$F/a.$ext" "title=Scan%20$ext&category=lab&date=2026-11-02&subject_id=$SID"
    is "$STATUS" 201 "a $ext is filed"
    is "$(jbody .content_type)" "$type" "…typed $type by its bytes"
done
PDF=$(jbody .id)
is "$(jbody '[.title, .category, .date, .visibility, .subject_id == "'"$SID"'", .filename, .size] | map(tostring) | join(" ")')" \
    "Scan pdf lab 2026-11-02 all true Scan_pdf.pdf $(stat -c %s "$F/a.pdf")" \
    "…with its title, category, date, visibility, person, a safe file name and size"
is "$(jbody .sha256)" "$(sha256sum "$F/a.pdf" | cut -d' ' -f1)" "…and the SHA-256 of its bytes"
like "$(header Location)" "/documents/$PDF\$" "…Location names it"
is "$(files)" 5 "five files in DATA_DIR/documents"

upload "$F/evil.pdf" "title=Prescription.pdf&category=prescription"
is "$STATUS" 415 "HTML bytes named .pdf are refused"
is "$(jbody .error.code)" unsupported_media_type "…as unsupported_media_type"
like "$(jbody .error.message)" "bytes" "…saying the bytes were checked"
is "$(files)" 5 "…and nothing stored"
upload /dev/null "title=Empty"
is "$STATUS" 400 "an empty body is refused"
upload "$F/a.jpg" "category=lab"
is "$STATUS:$(jbody .error.fields.title)" "400:is required: 1 to 120 characters on one line" "a title is required"
upload "$F/a.jpg" "title=x&category=recipe"
is "$STATUS" 400 "an unknown category is refused"
upload "$F/a.jpg" "title=x&date=2026-02-30"
is "$STATUS" 400 "an impossible date is refused"
upload "$F/a.jpg" "title=x&subject_id=$(uuid)"
is "$STATUS" 400 "a person of no family is refused"
upload "$F/a.jpg" "title=x&visibility=some"
is "$STATUS" 400 "an unknown visibility is refused"

# ---- 413 over 20 MB, refused from the Content-Length ----
head -c 20000001 /dev/zero | tr '\0' 'A' > "$F/big"
printf '%%PDF-' | dd of="$F/big" conv=notrunc status=none
upload "$F/big" "title=Big"
is "$STATUS" 413 "a 20 000 001-byte document: 413"
is "$(jbody .error.code)" payload_too_large "…payload_too_large"
# Only the head of a 30 MB request is sent: the answer comes without the body.
CSRF=$(cat "$T_DIR/csrf-ana")
COOKIE=$(awk '$6 ~ /session/ {print $6"="$7}' "$T_DIR/jar-ana" | head -1)
ans=$(python3 - "$T_PORT" "$FID" "$CSRF" "$COOKIE" <<'PY'
import socket, sys
port, fid, csrf, cookie = sys.argv[1:5]
s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
s.sendall((f"POST /api/v1/families/{fid}/documents?title=Huge HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\nContent-Length: 30000000\r\n\r\n").encode()
          + b"%PDF-" + b"A" * 65536)
try:
    print(s.recv(4096).decode(errors="replace").split("\r\n")[0])
except socket.timeout:
    print("timeout")
PY
)
like "$ans" "^HTTP/1.1 413" "30 MB announced, 64 KB sent: 413 at once (the body is not buffered first)"
is "$(files)" 5 "…nothing stored"

# ---- roles (and the live stream) ----
listen vic
wait_for vic '^retry:'
AS=bob upload "$F/a.jpg" "title=Insurance%20card%20front&category=insurance"
is "$STATUS" 201 "a caregiver uploads"
CARD=$(jbody .id)
V=$(jbody .seq)
ok "$(wait_for vic "^id: $V\$"; echo $?)" "…the viewer's open app hears of it live"
ok "$(grep -A2 "^id: $V\$" "$T_DIR/sse-vic" | grep -q '^event: document'; echo $?)" "…as a document event"
ok "$(grep -A2 "^id: $V\$" "$T_DIR/sse-vic" | grep -q 'Insurance card front'; echo $?)" "…with its metadata"
AS=bob upload "$F/a.jpg" "title=Secret&visibility=owners"
is "$STATUS" 403 "…but not for owners only"
AS=vic upload "$F/a.jpg" "title=Viewer"
is "$STATUS" 403 "a viewer may not upload"
upload "$F/a.pdf" "title=Discharge%20report&category=discharge&visibility=owners"
is "$STATUS" 201 "an owner files an owners-only document"
SECRET=$(jbody .id)
AS=bob upload "$F/a.jpg" "title=After"
AFTER=$(jbody .seq)
wait_for vic "^id: $AFTER\$"
is "$(grep -c 'Discharge report' "$T_DIR/sse-vic")" 0 "an owners-only document never reaches the others' streams"
AS=bob req DELETE "$D/$(jbody .id)"
req GET "$D"
is "$(jbody '.documents | length')" 7 "the owner lists all seven"
for who in bob vic; do
    AS=$who req GET "$D"
    is "$(jbody '.documents | length'):$(jbody "[.documents[].id] | index(\"$SECRET\")")" "6:null" "$who does not see the owners-only one in the list"
    AS=$who req GET "$D/$SECRET"
    is "$STATUS" 404 "…nor by its id (404)"
    AS=$who req GET "$D/$SECRET/content"
    is "$STATUS" 404 "…nor its content"
done
AS=bob req PATCH "$D/$SECRET" '{"title":"x"}'
is "$STATUS" 404 "a caregiver cannot change an owners-only document"
AS=bob req DELETE "$D/$SECRET"
is "$STATUS" 404 "…nor delete it"
AS=vic req GET "$D/$PDF"
is "$STATUS:$(jbody .title)" "200:Scan pdf" "a viewer reads a document's metadata"
AS=vic req PATCH "$D/$PDF" '{"title":"x"}'
is "$STATUS" 403 "…but may not change it"
AS=vic req DELETE "$D/$PDF"
is "$STATUS" 403 "…nor delete it"
AS=oto req GET "$D"
is "$STATUS" 404 "another family's member: the list is 404"
AS=oto req GET "$D/$PDF/content"
is "$STATUS" 404 "…and the content 404"
req GET "/api/v1/families/$OFID/documents/$PDF"
is "$STATUS" 404 "a document asked for under another family: 404"
req GET "$D/not-a-uuid"
is "$STATUS" 404 "a malformed id: 404"

# ---- filters ----
req GET "$D?category=insurance"
is "$(jbody '[.documents[].title] | join(",")')" "Insurance card front" "category filter"
req GET "$D?subject=$SID"
is "$(jbody '.documents | length')" 5 "person filter"
req GET "$D?subject=none"
is "$(jbody '.documents | length')" 2 "the family's own papers"
req GET "$D?category=recipe"
is "$STATUS" 400 "an unknown category filter is refused"
req GET "$D?subject=bad"
is "$STATUS" 400 "a bad person filter is refused"

# ---- download ----
before=$(db "SELECT count(*) FROM audit_log WHERE action = 'document.download'")
AS=vic req GET "$D/$PDF/content"
is "$STATUS" 200 "a viewer downloads"
cmp -s "$T_DIR/body" "$F/a.pdf"
ok $? "…the very bytes"
is "$(header Content-Type)" application/pdf "…Content-Type from the bytes"
is "$(header Content-Disposition)" 'attachment; filename="Scan_pdf.pdf"' "…as an attachment with a safe name"
is "$(header X-Content-Type-Options)" nosniff "…nosniff"
is "$(header Content-Length)" "$(stat -c %s "$F/a.pdf")" "…its length, from lighttpd"
is "$(header X-Sendfile)" "" "…the X-Sendfile header is not passed on"
like "$(header ETag)" . "…an ETag (sent by lighttpd)"
AS=vic req GET "$D/$PDF/content" -H "Range: bytes=0-9"
is "$STATUS" 206 "a Range request: 206"
is "$(body)" "$(head -c 10 "$F/a.pdf")" "…with those bytes"
like "$(header Content-Range)" "^bytes 0-9/$(stat -c %s "$F/a.pdf")\$" "…and Content-Range"
after=$(db "SELECT count(*) FROM audit_log WHERE action = 'document.download'")
is "$((after - before))" 2 "an audit row per download"
is "$(db "SELECT target FROM audit_log WHERE action = 'document.download' ORDER BY id DESC LIMIT 1")" "$PDF" "…naming the document"
AS=bob req GET "$D/$CARD/content"
is "$(header Content-Type)" image/jpeg "an image downloads as its type"

# ---- previews ----
req GET "$D/$CARD/preview"
is "$STATUS" 404 "no preview yet: 404"
printf '\xff\xd8\xff\xe0preview' > "$F/p.jpg"
AS=bob send PUT "$D/$CARD/preview" "$F/p.jpg"
is "$STATUS:$(jbody .preview_type)" "200:image/jpeg" "a caregiver adds the browser's preview"
AS=vic req GET "$D/$CARD/preview"
is "$STATUS:$(header Content-Type)" "200:image/jpeg" "a viewer gets it"
is "$(header Content-Disposition)" inline "…inline"
cmp -s "$T_DIR/body" "$F/p.jpg"
ok $? "…its bytes"
AS=bob send PUT "$D/$CARD/preview" "$F/a.pdf"
is "$STATUS" 415 "a PDF is no preview"
head -c 600000 /dev/zero > "$F/bigprev"
AS=bob send PUT "$D/$CARD/preview" "$F/bigprev"
is "$STATUS" 413 "a preview over 512 KB: 413"
AS=vic send PUT "$D/$CARD/preview" "$F/p.jpg"
is "$STATUS" 403 "a viewer may not add one"
n=$(files)
AS=bob send PUT "$D/$CARD/preview" "$F/a.png"
is "$STATUS:$(jbody .preview_type)" "200:image/png" "a new preview replaces the old"
is "$(files)" "$n" "…whose file is gone"

# ---- update ----
AS=bob req PATCH "$D/$CARD" "{\"title\":\"Insurance card\",\"date\":\"2026-01-31\",\"subject_id\":\"$SID\"}"
is "$STATUS:$(jbody '[.title, .date, .subject_id == "'"$SID"'"] | map(tostring) | join(" ")')" \
    "200:Insurance card 2026-01-31 true" "a caregiver renames, dates and files it under a person"
AS=bob req PATCH "$D/$CARD" '{"date":null,"subject_id":null}'
is "$(jbody '[.date, .subject_id] | map(tostring) | join(" ")')" "null null" "…and clears them"
AS=bob req PATCH "$D/$CARD" '{"visibility":"owners"}'
is "$STATUS" 403 "…but may not make it owners-only"
req PATCH "$D/$CARD" '{"category":"nope","colour":"red"}'
is "$STATUS:$(jbody '.error.fields | keys | join(",")')" "400:category,colour" "unknown fields and values are refused"
req PATCH "$D/$SECRET" '{"visibility":"all"}'
is "$STATUS" 200 "an owner shares an owners-only document"
AS=vic req GET "$D/$SECRET"
is "$STATUS" 200 "…which the viewer now sees"
is "$(db "SELECT detail FROM audit_log WHERE action = 'document.update' ORDER BY id DESC LIMIT 1")" \
    '{"changed":["visibility"]}' "the audit log names the fields changed"

# ---- delete ----
n=$(files)
AS=bob req DELETE "$D/$CARD"
is "$STATUS" 204 "a caregiver deletes a document"
is "$(files)" "$((n - 2))" "…its file and preview are gone"
req GET "$D/$CARD"
is "$STATUS" 404 "…and it is 404"
is "$(db "SELECT count(*) FROM documents WHERE id = '$CARD' AND deleted_at IS NOT NULL")" 1 "…a tombstone kept for the sync"
is "$(db "SELECT count(*) FROM audit_log WHERE action IN ('document.upload','document.delete')")" 10 "uploads and deletes are audited"

# ---- backup and restore ----
out=$(ctl backup "$T_DIR/b.tar" 2>&1)
ok $? "carelogctl backup: $out"
like "$(tar -tf "$T_DIR/b.tar" | grep -c '^documents/')" '^[1-9]' "the tar holds the documents"
(cd "$T_DIR" && mkdir -p x && tar -xf b.tar -C x && cd x && sha256sum -c --quiet SHA256SUMS)
ok $? "…each in SHA256SUMS"
stored=$(db "SELECT file FROM documents WHERE id = '$PDF'")
rm -f "$T_DIR/data/documents/$stored"
out=$(ctl restore "$T_DIR/b.tar" 2>&1)
ok $? "carelogctl restore: $(echo "$out" | tail -1)"
AS=vic req GET "$D/$PDF/content"
cmp -s "$T_DIR/body" "$F/a.pdf"
ok $? "a document survives backup and restore (its file lost meanwhile comes back)"

# ---- deleting a family (DELETE /families/{fid}) deletes its files ----
AS=oto send POST "/api/v1/families/$OFID/documents?title=Other" "$F/a.png"
is "$STATUS" 201 "another family files a document"
n=$(db "SELECT count(*) FROM documents WHERE family_id = '$FID' AND deleted_at IS NULL")
gone=$(db "SELECT count(*) FROM documents WHERE family_id = '$FID' AND deleted_at IS NULL AND preview_file IS NOT NULL")
total=$(files)
NAME=$(db "SELECT name FROM families WHERE id = '$FID'")
put_entry "$(uuid)" "{type: \"note\", ts: $(date +%s%3N), value: {text: \"hi\"}}"
is "$STATUS $(db "SELECT count(*) FROM entries WHERE family_id = '$FID'")" "201 1" "the family has an entry"
AS=bob req DELETE "/api/v1/families/$FID" "$(jq -nc --arg n "$NAME" '{confirm: $n}')"
is "$STATUS" 403 "a caregiver cannot delete the family"
req DELETE "/api/v1/families/$FID" '{"confirm": "not its name"}'
is "$STATUS $(jbody .error.fields.confirm)" "400 must be the family's name, as it is written" \
    "the owner must type the family's name"
req DELETE "/api/v1/families/$FID"
is "$STATUS" 400 "…a body is needed"
JAR=vic listen vic
wait_for vic ': ok|retry' > /dev/null
req DELETE "/api/v1/families/$FID" "$(jq -nc --arg n "$NAME" '{confirm: $n}')"
is "$STATUS" 204 "the owner deletes the family, naming it"
is "$(db "SELECT count(*) FROM families WHERE id = '$FID'; SELECT count(*) FROM documents WHERE family_id = '$FID';
          SELECT count(*) FROM entries WHERE family_id = '$FID'; SELECT count(*) FROM members WHERE family_id = '$FID'" | paste -sd,)" \
    "0,0,0,0" "…its rows are gone: documents, entries, members"
is "$(files)" "$((total - n - gone))" "…and its documents' files, at once"
is "$(db "SELECT count(*) FROM document_files_gone")" 0 "…none left listed"
ended vic
ok $? "a member's open stream ends"
AS=vic req GET "/api/v1/families/$FID"
is "$STATUS" 404 "the family is not found any more"
AS=oto req GET "/api/v1/families/$OFID/documents"
is "$(jbody '.documents | length')" 1 "another family's documents are untouched"

stop_server
done_testing
