/* catalogue.h — the entry catalogue (catalogue/entries.json, embedded in
 * every program at build time) as rule tables: entry types, their fields
 * with kinds, ranges and choices, the rules that span fields, which types
 * run as timers, the person kinds and colours, and the default quick-log
 * buttons. The app reads the same file (www/js/catalogue.js), so a rule
 * written once holds on both sides. */
#ifndef CARELOG_CATALOGUE_H
#define CARELOG_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "framework/valid.h"

struct tz;

enum cat_kind { CAT_ENUM, CAT_INT, CAT_NUMBER, CAT_BOOL, CAT_TEXT, CAT_LONGTEXT };

struct cat_field {
    const char *key;
    enum cat_kind kind;
    double min, max;      /* numbers: bounds; text: length in characters */
    const char **options; /* CAT_ENUM: NULL-terminated */
    const char *unit;     /* the metric unit a number is stored in, or NULL */
    bool hidden;          /* shown by no form (control "none") */
    bool required;
    /* only_when: the field may be given only while `when_field` (an enum
     * of the same type) holds one of `when_values`. */
    const char *when_field;
    const char **when_values;
    const char *when_message;
    /* default_by_start_hour: an absent field gets `inside` when the entry
     * starts in [from, until) o'clock in the family's zone (wrapping past
     * midnight when from > until), else `outside`. */
    bool by_hour;
    int hour_from, hour_until;
    const char *hour_inside, *hour_outside;
};

enum cat_rule_kind { CAT_AT_LEAST_ONE, CAT_BOTH_OR_NEITHER };

struct cat_rule {
    enum cat_rule_kind kind;
    const char **fields; /* NULL-terminated */
    bool test_true;      /* at_least_one: each counts when true, not when present */
    const char *field;   /* where the error is reported */
    const char *message;
};

struct cat_type {
    const char *name;
    bool timed;                /* may have an end (end_ts) */
    bool timer_always;         /* without an end it is a running timer ... */
    const char *timer_field;   /* ... or only while this enum field ... */
    const char **timer_values; /* ... holds one of these (NULL-terminated) */
    unsigned kinds;            /* person kinds it suits, a bit per kind */
    struct cat_field *fields;
    size_t nfields;
    struct cat_rule *rules;
    size_t nrules;
};

struct cat_block;

struct catalogue {
    cJSON *root;              /* the parsed file; every string points into it */
    struct cat_block *blocks; /* the tables' memory */
    struct cat_type *types;
    size_t ntypes;
    const char **type_names;   /* NULL-terminated, in file order (for v_enum) */
    const char **person_kinds; /* NULL-terminated */
    unsigned default_kinds;    /* the bit of default_person_kind */
    const char **colours;      /* NULL-terminated, "#rrggbb" */
    size_t ncolours;
    const cJSON *groups; /* button_groups, checked */
    /* custom_fields: the field kinds of the activity types a family defines
     * ({"<kind>": {"timed": true} or {"field": {...}, "units": {...}}}),
     * checked for shape; lib/data/acttype.c writes types from them. */
    const cJSON *custom_fields;
};

/* Parses and checks a catalogue (JSON text of `len` bytes). On failure
 * returns false with the first problems in `err` ("types.feed.fields[1].min:
 * must be a number"). Used for the embedded one and by tests. */
bool catalogue_parse(const char *text, size_t len, struct catalogue **out, char *err, size_t errsz);
void catalogue_free(struct catalogue *c);

/* The embedded catalogue, parsed once. catalogue_init() is called by every
 * program at start, so a broken build stops there with the reason;
 * catalogue() is for everything after (and for tools, which parse on first
 * use): it aborts with the reason if the embedded file does not parse. */
bool catalogue_init(char *err, size_t errsz);
const struct catalogue *catalogue(void);

const struct cat_type *catalogue_type(const struct catalogue *c, const char *name);
/* A field's column heading in the CSV export, its key and stored unit:
 * "amount (ml)" for amount_ml, "weight (g)", "celsius (°C)", "note". The
 * export writes it and the import reads it back by it. */
void catalogue_csv_heading(const struct cat_field *f, char *out, size_t outsz);
/* The bit of a person kind, 0 for an unknown one. */
unsigned catalogue_kind_bit(const struct catalogue *c, const char *kind);

/* Checks `value` for type `t` (NULL: an unknown type, every field is then
 * unknown), recording errors as "value.<field>" on the parent. `preset`
 * relaxes it for button presets: required fields and the rules that span
 * fields wait until the entry is logged. */
void cat_value_check(struct vobj *parent, const struct cat_type *t, const cJSON *value,
                     bool preset);
/* True when an entry of type `t` with this value and no end is a running timer. */
bool cat_is_running(const struct cat_type *t, const cJSON *value);
/* A copy of a value with its known fields in the type's order (NULL when out of memory). */
cJSON *cat_value_normalise(const struct cat_type *t, const cJSON *value);
/* Fills absent fields that have a default by start hour, in `zone`. */
bool cat_value_derive(const struct cat_type *t, cJSON *value, const struct tz *zone, int64_t ts);

/* The default quick-log buttons for people of the given kinds (bits; 0 means
 * the default kind): the catalogue's groups with the buttons meant for any
 * of those kinds, empty groups left out. NULL when out of memory. */
cJSON *catalogue_default_buttons(const struct catalogue *c, unsigned kinds);

#endif
