/* The texts and units of the demonstration petitions (petition_demo_texts.c), for
 * petition_demo.c only. Every table ends where its count says. */
#ifndef SHEGONG_MODULES_PETITION_DEMO_TEXTS_H
#define SHEGONG_MODULES_PETITION_DEMO_TEXTS_H

#include <stddef.h>

enum dept {
    D_TOWN, /* the street's own office (the 信访办 where the street has none) */
    D_HOUSING,
    D_CITY_MGMT,
    D_PLANNING,
    D_LABOR,
    D_ENVIRONMENT,
    D_EDUCATION,
    D_HEALTH,
    D_INSURANCE,
    D_CIVIL,
    D_TRANSPORT,
    D_JUSTICE,
    D_DISCIPLINE,
    D_ASSETS,
    D_AGRICULTURE,
    D_LETTERS,
    D_N
};

enum { F_COLLECTIVE = 1, F_LEGAL = 2, F_WINTER = 4 };

/* {地} is the community's name. */
struct tmpl {
    const char *category, *cls, *title, *content;
    enum dept dept;
    unsigned flags;
    int weight;
};

enum { T_HEATING = 0, T_WAGES = 8, T_NOISE = 11, T_EVICTION = 6, T_ALLOWANCE = 21 };

/* The 信访处理意见书 by category: facts, basis and the text for each kind. */
struct reply {
    const char *category, *facts, *basis;
};

/* A street with an office of its own among the units. */
struct petition_demo_town {
    const char *code, *name;
};

/* The departments by dept (at 朝阳区; D_TOWN has none): those demo.c makes are found by
 * name, the rest made. */
extern const char *const petition_demo_depts[D_N];
/* The streets with an office: they get most petitions. */
extern const struct petition_demo_town petition_demo_towns[];
extern const size_t petition_demo_ntowns;
/* What people write, with the category, class, title and weight of each (T_* index it). */
extern const struct tmpl petition_demo_tmpls[];
extern const size_t petition_demo_ntmpls;
/* The 意见书 by category (the last one for any other), and the text of each reply kind. */
extern const struct reply petition_demo_replies[];
extern const size_t petition_demo_nreplies;
extern const char *const petition_demo_reply_kinds[3]; /* support, explain, not_support */
extern const char *const petition_demo_reply_texts[3];
/* Names: a surname and a given name. */
extern const char *const petition_demo_surnames[];
extern const size_t petition_demo_nsurnames;
extern const char *const petition_demo_given[];
extern const size_t petition_demo_ngiven;

#endif
