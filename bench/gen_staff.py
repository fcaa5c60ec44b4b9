#!/usr/bin/env python3
"""Deterministic staff lists for the Users table (User ID, First Name, Last Name, Email, Status).

    python3 bench/gen_staff.py --rows 100000 > staff.csv
    python3 bench/gen_staff.py --rows 100000 --delimiter ';' --status Inactive > staff.csv

Every line is valid and unique, so an import of it activates every row.
"""
import argparse
import csv
import sys

FIRST = """Ada Alan Amara Anders Aiko Beatriz Bilal Camille Chen Chiara Dara Dmitri Elif Emeka Esther
Farah Fatima Felix Grace Hana Hugo Ines Ivan Jamal Jonas Kaito Kamala Lars Layla Leila Lucas Maya
Mateo Mei Nadia Niamh Noor Olga Omar Pablo Priya Quentin Rafael Rania Rosa Sami Sofia Soren""".split()
LAST = """Abbott Adeyemi Bauer Becker Castillo Chowdhury Dubois Eriksson Fischer Garcia Haddad Hansen
Ibrahim Ito Jansen Kowalski Kumar Larsen Lopez Martin Moreau Nakamura Nguyen Novak Okafor Olsen
Petrov Quinn Rahman Rossi Sato Schmidt Silva Suzuki Tanaka Torres Usman Varga Wagner Weber""".split()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--delimiter", default=",")
    parser.add_argument("--status", default="Active")
    parser.add_argument("--domain", default="staff.example.com")
    args = parser.parse_args()
    out = csv.writer(sys.stdout, delimiter=args.delimiter, lineterminator="\r\n")
    out.writerow(["User ID", "First Name", "Last Name", "Email", "Status"])
    for i in range(args.rows):
        first = FIRST[i % len(FIRST)]
        last = LAST[(i // len(FIRST)) % len(LAST)]
        user_id = f"E{i + 1:07d}"
        email = f"{first}.{last}.{i + 1}@{args.domain}".lower()
        out.writerow([user_id, first, last, email, args.status])


if __name__ == "__main__":
    main()
