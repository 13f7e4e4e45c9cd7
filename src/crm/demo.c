/*
 * demo: the sample data of `kith init --demo`.
 *
 * Fills the default objects with 50 companies, 200 people, 80 deals (every
 * stage) and 40 tasks, linked by their relations. The data is fully
 * deterministic: a fixed-seed xorshift PRNG picks from the name tables below,
 * and dates lie between 2026-01-01 and 2027-03-31, never taken from the
 * clock. Fixtures tests rely on: the first company is "Acme Inc" (acme.com),
 * the first person "Ann Lee" (ann.lee@acme.com) at Acme, and the first deal
 * is Acme's, with Ann. Everything goes through crm_create in one transaction.
 */
#include "crm/crm.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/json.h"
#include "base/xalloc.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define DEMO_COMPANIES 50
#define DEMO_PEOPLE 200
#define DEMO_DEALS 80
#define DEMO_TASKS 40
#define DEMO_DAYS 455 /* 2026-01-01 .. 2027-03-31 */

struct demo_name {
    const char *name;  /* as shown */
    const char *ascii; /* for emails and URLs */
};

static const struct demo_name firsts[] = { /* 20, coprime with 21 lasts */
    {"James", "james"}, {"Maria", "maria"}, {"José", "jose"},
    {"Zoë", "zoe"}, {"Łukasz", "lukasz"}, {"Søren", "soren"},
    {"Priya", "priya"}, {"Wei", "wei"}, {"Fatima", "fatima"},
    {"Liam", "liam"}, {"Chloé", "chloe"}, {"Kenji", "kenji"},
    {"Olivia", "olivia"}, {"Mateo", "mateo"}, {"Amara", "amara"},
    {"Noah", "noah"}, {"Ingrid", "ingrid"}, {"Rahul", "rahul"},
    {"Sofia", "sofia"}, {"Daniel", "daniel"},
};
static const struct demo_name lasts[] = {
    {"Smith", "smith"}, {"García", "garcia"}, {"Müller", "muller"},
    {"Nguyen", "nguyen"}, {"Kowalski", "kowalski"}, {"Jensen", "jensen"},
    {"Patel", "patel"}, {"Chen", "chen"}, {"O'Brien", "obrien"},
    {"Rossi", "rossi"}, {"Dubois", "dubois"}, {"Tanaka", "tanaka"},
    {"Johnson", "johnson"}, {"Silva", "silva"}, {"Okafor", "okafor"},
    {"Brown", "brown"}, {"Larsen", "larsen"}, {"Shah", "shah"},
    {"Novak", "novak"}, {"Kim", "kim"}, {"Fischer", "fischer"},
};
/* 13 prefixes x 5 suffixes, coprime, so i % 13, i % 5 never repeat. */
static const char *const prefixes[] = {
    "Northwind", "Bluepeak", "Ironwood", "Brightline", "Cedar", "Harbor",
    "Lumen", "Summit", "Silverleaf", "Redstone", "Quantum", "Evergreen",
    "Kestrel",
};
static const char *const suffixes[] = {
    "Labs", "Systems", "Group", "Partners", "Inc",
};
static const char *const tlds[] = {"com", "io", "co", "net"};
static const char *const industries[] = {
    "Software", "Finance", "Healthcare", "Retail", "Manufacturing",
    "Education", "Media", "Logistics",
};
static const char *const cities[] = {
    "San Francisco", "New York", "Austin", "Chicago", "London", "Berlin",
    "München", "Zürich", "Kraków", "Copenhagen", "São Paulo", "Toronto",
    "Tokyo", "Bangalore", "Lagos", "Paris",
};
static const int sizes[] = {8, 15, 30, 45, 80, 120, 250, 400, 900, 2500};
static const char *const tag_opts[] = {
    "vip", "partner", "newsletter", "investor", "event", "referral",
};
static const char *const titles[] = {
    "CEO", "CTO", "CFO", "VP Sales", "Head of Marketing",
    "Account Executive", "Product Manager", "Software Engineer",
    "Operations Manager", "Procurement Lead", "Customer Success Manager",
    "Office Manager",
};
static const char *const statuses[] = {
    "Lead", "Lead", "Contacted", "Contacted", "Qualified", "Customer",
    "Customer", "Churned",
};
static const int area_codes[] = {415, 212, 646, 312, 617, 206, 512, 303};
static const char *const stages[] = {
    "Lead", "Qualified", "Proposal", "Negotiation", "Closed Won",
    "Closed Lost",
};
static const int stage_prob[] = {10, 25, 50, 75, 100, 0};
static const int stage_mix[] = {0, 0, 1, 1, 2, 2, 3, 4, 4, 5};
static const char *const products[] = {
    "Annual license", "Pilot", "Expansion", "Renewal", "Onboarding package",
    "Enterprise plan", "Support contract", "Data migration",
};
static const char *const verbs[] = {
    "Call", "Email", "Send proposal to", "Follow up with", "Book demo with",
    "Prepare contract for", "Check in with", "Schedule review with",
};

struct demo {
    struct crm *crm;
    uint32_t seed;
    int64_t company_id[DEMO_COMPANIES];
    char company[DEMO_COMPANIES][48];
    char domain[DEMO_COMPANIES][48];
    int64_t person_id[DEMO_PEOPLE];
    int person_company[DEMO_PEOPLE]; /* index into company, -1 for none */
    char person[DEMO_PEOPLE][48];
    int64_t deal_id[DEMO_DEALS];
    int deal_contact[DEMO_DEALS]; /* index into person */
};

/* ---- helpers ---- */

static uint32_t demo_next(struct demo *d)
{
    uint32_t x = d->seed;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return d->seed = x;
}

/* A number in [0, n). */
static int demo_pick(struct demo *d, int n)
{
    return (int)(demo_next(d) % (uint32_t)n);
}

static void set_str(struct jv *o, const char *key, const char *s)
{
    jv_set_take(o, key, jv_string(s));
}

/* Day 0 is 2026-01-01; neither 2026 nor 2027 is a leap year. */
static void set_date(struct jv *o, const char *key, int day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    char s[40];
    int y = 2026, m = 0;

    while (day >= mdays[m]) {
        day -= mdays[m];
        if (++m == 12) {
            m = 0;
            y++;
        }
    }
    snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m + 1, day + 1);
    set_str(o, key, s);
}

/* A few random tags, or none (the field is then left empty). */
static void set_tags(struct demo *d, struct jv *o)
{
    struct jv *tags = jv_array();

    for (int i = 0; i < NELEM(tag_opts); i++)
        if (demo_pick(d, 7) == 0)
            jv_push_take(tags, jv_string(tag_opts[i]));
    if (jv_len(tags))
        jv_set_take(o, "tags", tags);
    else
        jv_free(tags);
}

/* Create an entry from values, which this consumes. */
static int demo_create(struct demo *d, const char *object, struct jv *values,
                       int64_t *id, struct kith_err *err)
{
    int ret = crm_create(d->crm, CRM_ACTOR_USER, object, values, id, err);

    jv_free(values);
    return ret;
}

/* ---- objects ---- */

static int demo_companies(struct demo *d, struct kith_err *err)
{
    for (int i = 0; i < DEMO_COMPANIES; i++) {
        struct jv *o = jv_object();
        const char *pre = prefixes[i % NELEM(prefixes)];
        char *domain = d->domain[i];
        size_t dsize = sizeof(d->domain[i]);
        int ret;

        if (i == 0) {
            snprintf(d->company[i], sizeof(d->company[i]), "Acme Inc");
            snprintf(domain, dsize, "acme.com");
        } else {
            snprintf(d->company[i], sizeof(d->company[i]), "%s %s", pre,
                     suffixes[i % NELEM(suffixes)]);
            snprintf(domain, dsize, "%s%s.%s", pre,
                     suffixes[i % NELEM(suffixes)],
                     tlds[demo_pick(d, NELEM(tlds))]);
            for (char *p = domain; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        }
        set_str(o, "name", d->company[i]);
        set_str(o, "domain", domain);
        set_str(o, "industry", i == 0 ? "Manufacturing"
                : industries[demo_pick(d, NELEM(industries))]);
        if (i == 0 || demo_pick(d, 8))
            jv_set_take(o, "employees", jv_integer(
                sizes[demo_pick(d, NELEM(sizes))] + demo_pick(d, 10)));
        if (i == 0 || demo_pick(d, 6))
            set_str(o, "city", i == 0 ? "San Francisco"
                    : cities[demo_pick(d, NELEM(cities))]);
        set_tags(d, o);
        ret = demo_create(d, "companies", o, &d->company_id[i], err);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int demo_people(struct demo *d, struct kith_err *err)
{
    for (int i = 0; i < DEMO_PEOPLE; i++) {
        const struct demo_name *f = &firsts[i % NELEM(firsts)];
        const struct demo_name *l = &lasts[i % NELEM(lasts)];
        const char *fa = f->ascii, *la = l->ascii;
        struct jv *o = jv_object();
        char s[128];
        int c = demo_pick(d, DEMO_COMPANIES), ret;

        if (i == 0) { /* the fixture */
            c = 0;
            fa = "ann";
            la = "lee";
            snprintf(d->person[i], sizeof(d->person[i]), "Ann Lee");
        } else {
            if (i < 6)
                c = 0; /* a few more people at Acme */
            else if (demo_pick(d, 20) == 0)
                c = -1; /* no company */
            snprintf(d->person[i], sizeof(d->person[i]), "%s %s", f->name,
                     l->name);
        }
        d->person_company[i] = c;
        set_str(o, "name", d->person[i]);
        snprintf(s, sizeof(s), "%s.%s@%s", fa, la,
                 c < 0 ? "fastmail.com" : d->domain[c]);
        set_str(o, "email", s);
        if (i == 0 || demo_pick(d, 5)) {
            snprintf(s, sizeof(s), "+1 %d 555 01%02d",
                     area_codes[demo_pick(d, NELEM(area_codes))],
                     demo_pick(d, 100));
            set_str(o, "phone", s);
        }
        if (c >= 0)
            jv_set_take(o, "company", jv_integer(d->company_id[c]));
        if (i == 0 || demo_pick(d, 6))
            set_str(o, "title", i == 0 ? "Head of Operations"
                    : titles[demo_pick(d, NELEM(titles))]);
        set_str(o, "status", i == 0 ? "Customer"
                : statuses[demo_pick(d, NELEM(statuses))]);
        set_tags(d, o);
        if (i == 0 || demo_pick(d, 3)) {
            snprintf(s, sizeof(s), "https://www.linkedin.com/in/%s-%s", fa,
                     la);
            set_str(o, "linkedin", s);
        }
        if (i == 0 || demo_pick(d, 4))
            set_date(o, "last_contacted", demo_pick(d, DEMO_DAYS));
        ret = demo_create(d, "people", o, &d->person_id[i], err);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int demo_deals(struct demo *d, struct kith_err *err)
{
    for (int i = 0; i < DEMO_DEALS; i++) {
        int stage = stage_mix[i % NELEM(stage_mix)], p = 0, c, ret;
        bool closed = stage >= 4;
        struct jv *o = jv_object();
        char s[128];

        if (i > 0) /* deal 0 is Acme's, with Ann Lee */
            do
                p = demo_pick(d, DEMO_PEOPLE);
            while (d->person_company[p] < 0);
        c = d->person_company[p];
        d->deal_contact[i] = p;
        snprintf(s, sizeof(s), "%s - %s", d->company[c],
                 products[demo_pick(d, NELEM(products))]);
        set_str(o, "name", s);
        jv_set_take(o, "company", jv_integer(d->company_id[c]));
        jv_set_take(o, "contact", jv_integer(d->person_id[p]));
        jv_set_take(o, "amount",
                    jv_integer(1000 + 500 * (int64_t)demo_pick(d, 400)));
        set_str(o, "stage", stages[stage]);
        if (closed || demo_pick(d, 5))
            set_date(o, "close_date", closed ? demo_pick(d, 240)
                     : 120 + demo_pick(d, DEMO_DAYS - 120));
        jv_set_take(o, "probability", jv_integer(stage_prob[stage]));
        ret = demo_create(d, "deals", o, &d->deal_id[i], err);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int demo_tasks(struct demo *d, struct kith_err *err)
{
    for (int i = 0; i < DEMO_TASKS; i++) {
        int deal = i % 2 ? -1 : demo_pick(d, DEMO_DEALS), due, p, ret;
        struct jv *o = jv_object();
        int64_t id;
        char s[128];

        if (i == 0)
            deal = 0; /* "Call Ann Lee" about Acme's deal */
        p = deal >= 0 ? d->deal_contact[deal] : demo_pick(d, DEMO_PEOPLE);
        snprintf(s, sizeof(s), "%s %s",
                 i == 0 ? "Call" : verbs[demo_pick(d, NELEM(verbs))],
                 d->person[p]);
        set_str(o, "title", s);
        due = demo_pick(d, DEMO_DAYS);
        set_date(o, "due", due);
        jv_set_take(o, "done", jv_boolean(due < 150 ? demo_pick(d, 4) != 0
                                          : demo_pick(d, 8) == 0));
        jv_set_take(o, "person", jv_integer(d->person_id[p]));
        if (deal >= 0)
            jv_set_take(o, "deal", jv_integer(d->deal_id[deal]));
        ret = demo_create(d, "tasks", o, &id, err);
        if (ret < 0)
            return ret;
    }
    return 0;
}

int crm_demo_fill(struct crm *crm, struct kith_err *err)
{
    struct demo *d = xcalloc(1, sizeof(*d));
    int ret;

    d->crm = crm;
    d->seed = 0x6b697468; /* "kith" */
    ret = crm_begin(crm, err);
    if (ret < 0)
        goto out;
    if ((ret = demo_companies(d, err)) < 0 ||
        (ret = demo_people(d, err)) < 0 ||
        (ret = demo_deals(d, err)) < 0 ||
        (ret = demo_tasks(d, err)) < 0 ||
        (ret = crm_commit(crm, err)) < 0)
        crm_rollback(crm);
out:
    free(d);
    return ret;
}
