/* test_docstore.c — the document vault's file rules: the type told by the
 * first bytes (each accepted kind, HTML and other look-alikes refused, short
 * inputs), the names it makes and accepts, and the download name made from
 * a title (nothing but safe ASCII, never hidden, never empty). */
#include "tap.h"
#include "data/docstore.h"

#include <string.h>

#define SNIFF(bytes) docstore_sniff((const unsigned char *)(bytes), sizeof(bytes) - 1)

static const char *name_of(const char *title, const char *type)
{
    static char out[96];
    docstore_filename(title, type, out, sizeof out);
    return out;
}

int main(void)
{
    is_str(SNIFF("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg", "JPEG");
    is_str(SNIFF("\x89PNG\r\n\x1a\n\x00\x00"), "image/png", "PNG");
    is_str(SNIFF("RIFF\x24\x00\x00\x00WEBPVP8 "), "image/webp", "WebP");
    is_str(SNIFF("\x00\x00\x00\x18"
                 "ftypheic\x00\x00\x00\x00"),
           "image/heic", "HEIC");
    is_str(SNIFF("\x00\x00\x00\x18"
                 "ftypmif1\x00\x00\x00\x00"),
           "image/heic", "HEIF (mif1)");
    is_str(SNIFF("%PDF-1.7\n"), "application/pdf", "PDF");
    ok(!SNIFF("<!doctype html><p>%PDF-"), "HTML is none of them, whatever it says inside");
    ok(!SNIFF("RIFF\x24\x00\x00\x00WAVEfmt "), "a WAVE file is not WebP");
    ok(!SNIFF("\x00\x00\x00\x18"
              "ftypisom\x00\x00\x00\x00"),
       "an MP4 is not HEIC");
    ok(!SNIFF("\x00\x00\x00\x18"
              "ftypavif"),
       "nor an AVIF");
    ok(!SNIFF("\xff\xd8"), "two bytes of JPEG are too few");
    ok(!docstore_sniff(NULL, 0), "nothing is nothing");
    is_str(docstore_ext("application/pdf"), "pdf", "a PDF's extension");
    is_str(docstore_ext("text/html"), "bin", "an unknown type's");

    ok(docstore_name_ok("0123456789abcdef0123456789abcdef"), "32 lower-case hex digits are a name");
    ok(!docstore_name_ok("0123456789ABCDEF0123456789abcdef"), "upper case is not");
    ok(!docstore_name_ok("../etc/passwd"), "a path is not");
    ok(!docstore_name_ok("0123456789abcdef0123456789abcde"), "31 digits are not");
    ok(!docstore_name_ok(NULL), "NULL is not");
    char path[64];
    ok(!docstore_path("../../x", path, sizeof path), "no path is made from a foreign name");

    is_str(name_of("Lab results 2026", "application/pdf"), "Lab_results_2026.pdf",
           "spaces become one _");
    is_str(name_of("Ordonnance — Dr. Émile", "image/jpeg"), "Ordonnance_Dr._mile.jpg",
           "non-ASCII is dropped");
    is_str(name_of("\"; filename=evil.html", "image/png"), "filename_evil.html.png",
           "quotes and semicolons never reach the header; the real type's extension comes last");
    is_str(name_of("...hidden", "application/pdf"), "hidden.pdf", "never a hidden file");
    is_str(name_of("שלום", "image/heic"), "document.heic", "nothing left: document");
    is_str(name_of("", "image/webp"), "document.webp", "an empty title too");
    char longer[200];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ok(strlen(name_of(longer, "application/pdf")) <= 64, "at most 60 characters and the extension");
    return done_testing();
}
