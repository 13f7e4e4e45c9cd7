#!/bin/sh
# Write a CSV of N generated people to stdout, for the import benchmark.
#
#   bench/people_csv.sh 1000000 > /tmp/people.csv
#
# Deterministic (a fixed-seed LCG in awk, no other tools): the columns of
# the default people object, like bench/bench_insert.c makes them: names
# (some accented), a unique email, phone (80%), title (83%), status (a
# select option), tags (0-3 options, "a, b" text form), LinkedIn URL
# (67%) and last_contacted (75%). Some fields are quoted, one title in 50
# holds a comma, so the reader's quoted path is exercised too.
set -eu
n="${1:?usage: bench/people_csv.sh N}"
awk -v n="$n" 'BEGIN {
    split("Ann Bob Chloé Daniel Emma Fatima Gus Hana Ingrid James Kenji Lea " \
          "Maria Noah Olga Pedro Quinn Rosa Søren Tariq Uma Victor Wen Zoë", first, " ")
    split("Lee Stone Dubois Kim Brown García Patel Tanaka Müller Novak " \
          "Okafor Rossi Silva Chen Nguyen Johansson Ivanova Haddad", last, " ")
    split("Head of Operations|VP Sales|CTO|Account Executive|Founder|" \
          "Engineer|Designer|Buyer|Director, Finance|Analyst", title, "|")
    split("Lead Contacted Qualified Customer Churned", status, " ")
    split("vip partner event newsletter investor", tag, " ")
    seed = 42
    print "name,email,phone,title,status,tags,linkedin,last_contacted"
    for (i = 1; i <= n; i++) {
        f = first[rnd(24) + 1]; l = last[rnd(18) + 1]
        name = f " " l
        slug = tolower(f) "." tolower(l)
        gsub(/[^a-z.]/, "x", slug)
        email = slug "." i "@example.com"
        phone = rnd(10) < 8 ? sprintf("+1 %03d 555 %04d", 200 + rnd(700), rnd(10000)) : ""
        t = rnd(6) < 5 ? title[rnd(10) + 1] : ""
        if (t ~ /,/) t = "\"" t "\""
        st = status[rnd(5) + 1]
        k = rnd(4); tags = ""
        for (j = 0; j < k; j++) tags = tags (j ? ", " : "") tag[rnd(5) + 1]
        if (k > 1) tags = "\"" tags "\""
        li = rnd(3) < 2 ? "https://www.linkedin.com/in/" slug i : ""
        lc = rnd(4) < 3 ? sprintf("2026-%02d-%02d", 1 + rnd(12), 1 + rnd(28)) : ""
        print name "," email "," phone "," t "," st "," tags "," li "," lc
    }
}
function rnd(m) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return int(seed / 65536) % m
}'
