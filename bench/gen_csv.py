#!/usr/bin/env python3
"""Deterministic rows for the benchmark table (Name, Email, Score, Done, Stage).

The same seed always gives the same rows, so runs compare. Names are drawn from
first names x middle initials x last names (about 90,000 combinations) in random
order, so sorting by Name does real work.

    python3 bench/gen_csv.py --rows 100000 > rows.csv
"""
import argparse
import csv
import io
import random
import sys

FIELDS = [
    {"name": "Name", "type": "text"},
    {"name": "Email", "type": "email"},
    {"name": "Score", "type": "number"},
    {"name": "Done", "type": "checkbox"},
    {"name": "Stage", "type": "select", "options": ["Idea", "Active", "Done"]},
]
HEADER = [f["name"] for f in FIELDS]
STAGES = FIELDS[4]["options"]

FIRST = """Ada Alan Amara Anders Aiko Beatriz Bilal Camille Chen Chiara Dara Dmitri Elif
Emeka Esther Farah Fatima Felix Grace Hana Hugo Ines Ivan Jamal Jonas Kaito Kamala
Lars Layla Leila Lucas Maya Mateo Mei Nadia Niamh Noor Olga Omar Pablo Priya Quentin
Rafael Rania Rosa Sami Sofia Soren Tariq Tomas Uma Valentina Wei Xavier Yara Yusuf
Zainab Zoe""".split()
LAST = """Abbott Adeyemi Bauer Becker Castillo Chowdhury Dubois Eriksson Fischer Garcia
Haddad Hansen Ibrahim Ito Jansen Kowalski Kumar Larsen Lopez Martin Moreau Nakamura
Nguyen Novak Okafor Olsen Petrov Quinn Rahman Rossi Sato Schmidt Silva Suzuki Tanaka
Torres Usman Varga Wagner Weber Xu Yamamoto Young Zhang Zimmermann Andersson Bianchi
Costa Dimitrov Evans Fontaine Gomez Horvat Iqbal Jovanovic Kim Lindqvist Mensah Nowak
Ortiz""".split()


def rows(count, seed=20241124):
    """Yields `count` rows as lists of strings (CSV form), deterministic in `seed`."""
    rng = random.Random(seed)
    for i in range(count):
        first = rng.choice(FIRST)
        initial = chr(ord("A") + rng.randrange(26))
        last = rng.choice(LAST)
        score = rng.randrange(100000) / 100
        done = rng.random() < 0.3
        stage = rng.choice(STAGES)
        yield [
            f"{first} {initial}. {last}",
            f"{first}.{last}.{i}@example.com".lower(),
            f"{score:.2f}",
            "true" if done else "false",
            stage,
        ]


def to_csv(lines, header=True):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(HEADER)
    writer.writerows(lines)
    return out.getvalue()


def as_values(line):
    """The JSON `values` of one CSV row."""
    return {
        "Name": line[0],
        "Email": line[1],
        "Score": float(line[2]),
        "Done": line[3] == "true",
        "Stage": line[4],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=20241124)
    args = parser.parse_args()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(args.rows, args.seed))


if __name__ == "__main__":
    main()
