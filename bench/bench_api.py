#!/usr/bin/env python3
"""Benchmark set-up and helpers, through the public HTTP API only (standard library).

    bench_api.py setup    --base URL --out DIR [--rows 100000] [--chunk 10000]
        signs up, logs in, creates a workspace, the 100,000-row table "Bench"
        (loaded by CSV import, falling back to POST /records) and the empty table
        "Bench inserts"; checks a few answers; writes DIR/env (shell variables)
        and DIR/ids (the record ids of "Bench", one a line).
    bench_api.py page-all --base URL --token T --tid N [--limit 1000] [--sort Name]
        reads the whole table page by page over one keep-alive connection;
        prints "RECORDS SECONDS".
    bench_api.py count    --base URL --token T --tid N
        prints the table's record count (`total`).
"""
import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_csv  # noqa: E402

EMAIL = "bench@example.com"
PASSWORD = "bench-password-2024"


class ApiError(Exception):
    pass


class Client:
    """One keep-alive connection to the server."""

    def __init__(self, base, token=None, timeout=300):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.timeout = timeout
        self.token = token
        self.conn = None

    def _connect(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def call(self, method, path, body=None, content_type="application/json", expect=(200, 201, 204)):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode("utf-8")
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, ConnectionError) as e:
                # The server may close a keep-alive connection between calls: retry once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise ApiError(f"{method} {path}: {e!r}")
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        text = raw.decode("utf-8", "replace")
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            answer = text
        if response.status not in expect:
            raise ApiError(f"{method} {path}: expected {expect}, got {response.status}: {text[:500]}")
        return response.status, answer


def warn(message):
    print("bench: WARNING: " + message, file=sys.stderr)


def create_table(api, wid, name):
    _, table = api.call("POST", f"/api/v1/workspaces/{wid}/tables",
                        {"name": name, "fields": gen_csv.FIELDS}, expect=(201,))
    names = [f.get("name") for f in table.get("fields", [])]
    if names[:len(gen_csv.HEADER)] != gen_csv.HEADER:
        warn(f"table {name}: fields answered {names}, expected {gen_csv.HEADER}")
    return table["id"]


def load_rows(api, tid, lines, chunk):
    """Loads the rows by CSV import in chunks; rows that import fails on go by POST /records.
    Returns (ids in line order, mode, seconds)."""
    ids = []
    mode = "import"
    started = time.monotonic()
    for begin in range(0, len(lines), chunk):
        part = lines[begin:begin + chunk]
        body = gen_csv.to_csv(part)
        chunk_ids = None
        try:
            _, report = api.call("POST", f"/api/v1/tables/{tid}/import", body,
                                 content_type="text/csv; charset=utf-8", expect=(200,))
            rows = report.get("rows") or []
            got = [r.get("id") for r in rows if r.get("id") is not None]
            if report.get("inserted") == len(part) and len(got) == len(part):
                chunk_ids = got
            else:
                rejected = [r for r in rows if r.get("id") is None][:3]
                warn(f"import of lines {begin + 1}..{begin + len(part)}: inserted {report.get('inserted')}"
                     f" of {len(part)}, rejected {report.get('rejected')}, {len(got)} ids; e.g. {rejected}")
                if report.get("inserted"):
                    raise ApiError("partial import: cannot tell which rows to post again")
        except ApiError as e:
            warn(f"import failed ({e}); posting these rows one by one")
        if chunk_ids is None:
            mode = "records"
            chunk_ids = []
            for line in part:
                _, record = api.call("POST", f"/api/v1/tables/{tid}/records",
                                     {"values": gen_csv.as_values(line)}, expect=(201,))
                chunk_ids.append(record["id"])
        ids.extend(chunk_ids)
        print(f"bench:   {len(ids)} rows loaded ({time.monotonic() - started:.1f} s)", file=sys.stderr)
    return ids, mode, time.monotonic() - started


def check(api, tid, insert_tid, lines, ids):
    """A few answers the benchmark relies on; prints what differs from API.md."""
    problems = 0

    def problem(message):
        nonlocal problems
        problems += 1
        warn(message)

    # One record.
    n = min(12345, len(lines) - 1)
    rid = ids[n]
    _, record = api.call("GET", f"/api/v1/tables/{tid}/records/{rid}", expect=(200,))
    if record.get("id") != rid or record.get("values", {}).get("Name") != lines[n][0]:
        problem(f"GET /api/v1/tables/{tid}/records/{rid}: expected id {rid} Name {lines[n][0]!r}, got {record}")
    if record.get("values", {}).get("Score") != float(lines[n][2]):
        problem(f"GET record {rid}: Score {record.get('values', {}).get('Score')!r}, imported {lines[n][2]}")
    # PATCH.
    version = record.get("version")
    _, patched = api.call("PATCH", f"/api/v1/tables/{tid}/records/{rid}",
                          {"values": {"Score": 1.5, "Stage": "Active"}}, expect=(200,))
    if patched.get("version") != (version or 0) + 1 or patched.get("values", {}).get("Score") != 1.5:
        problem(f"PATCH record {rid} (version {version}) with Score 1.5: got {patched}")
    # The page the latency run reads (run.sh: offset = 90% of the rows). It is the table's
    # first sort by Name, so the server indexes Name first: timed, as a user's first click.
    offset = len(lines) * 9 // 10
    query = f"offset={offset}&limit=100&sort=Name"
    started = time.monotonic()
    _, page = api.call("GET", f"/api/v1/tables/{tid}/records?{query}", expect=(200,))
    first_sort_ms = (time.monotonic() - started) * 1000
    records = page.get("records", [])
    expected = sorted(line[0] for line in lines)[offset:offset + 100]
    if page.get("total") != len(lines) or len(records) != len(expected):
        problem(f"GET records?{query}: expected total {len(lines)} and {len(expected)} records,"
                f" got total {page.get('total')} and {len(records)} records")
    names = [r.get("values", {}).get("Name") for r in records]
    if names != expected:
        problem(f"GET records?{query}: first names {names[:3]}, expected {expected[:3]} (byte order of Name)")
    # One insert into the insert table.
    _, created = api.call("POST", f"/api/v1/tables/{insert_tid}/records",
                          {"values": gen_csv.as_values(lines[0])}, expect=(201,))
    if not isinstance(created.get("id"), int) or created.get("version") is None:
        problem(f"POST /api/v1/tables/{insert_tid}/records: expected {{id, version, values}}, got {created}")
    return problems, first_sort_ms


def setup(args):
    os.makedirs(args.out, exist_ok=True)
    api = Client(args.base)
    api.call("POST", "/api/v1/signup", {"company": "Bench Co", "firstName": "Bench", "lastName": "Mark",
                                        "email": EMAIL, "password": PASSWORD}, expect=(201,))
    _, login = api.call("POST", "/api/v1/login", {"email": EMAIL, "password": PASSWORD}, expect=(200,))
    api.token = login["token"]
    _, workspace = api.call("POST", "/api/v1/workspaces", {"name": "Bench"}, expect=(201,))
    wid = workspace["id"]
    tid = create_table(api, wid, "Bench")
    insert_tid = create_table(api, wid, "Bench inserts")

    lines = list(gen_csv.rows(args.rows))
    print(f"bench: loading {len(lines)} rows into table {tid} ({args.chunk} per import)", file=sys.stderr)
    ids, mode, seconds = load_rows(api, tid, lines, args.chunk)
    if len(set(ids)) != len(lines):
        raise ApiError(f"{len(set(ids))} distinct ids for {len(lines)} rows")
    problems, first_sort_ms = check(api, tid, insert_tid, lines, ids)

    with open(os.path.join(args.out, "ids"), "w") as f:
        f.write("\n".join(str(i) for i in ids) + "\n")
    with open(os.path.join(args.out, "env"), "w") as f:
        f.write(f"BENCH_TOKEN='{login['token']}'\n")
        f.write(f"BENCH_WID={wid}\nBENCH_TID={tid}\nBENCH_INSERT_TID={insert_tid}\n")
        f.write(f"BENCH_IDS='{os.path.join(args.out, 'ids')}'\n")
        f.write(f"LOAD_MODE={mode}\nLOAD_SECONDS={seconds:.3f}\nLOAD_ROWS_PER_S={len(lines) / seconds:.0f}\n")
        f.write(f"CHECK_PROBLEMS={problems}\nFIRST_SORT_MS={first_sort_ms:.0f}\n")


def page_all(args):
    api = Client(args.base, token=args.token)
    seen = 0
    offset = 0
    total = None
    started = time.monotonic()
    while total is None or offset < total:
        _, page = api.call("GET", f"/api/v1/tables/{args.tid}/records?offset={offset}&limit={args.limit}"
                                  f"&sort={urllib.parse.quote(args.sort)}", expect=(200,))
        total = page["total"]
        records = page["records"]
        if not records:
            break
        seen += len(records)
        offset += args.limit
    seconds = time.monotonic() - started
    if seen != total:
        warn(f"paging by {args.limit} read {seen} records of total {total}")
    print(f"{seen} {seconds:.3f}")


def count(args):
    api = Client(args.base, token=args.token)
    _, page = api.call("GET", f"/api/v1/tables/{args.tid}/records?offset=0&limit=1", expect=(200,))
    print(page["total"])


def main():
    parser = argparse.ArgumentParser(description="Worktable benchmark set-up through the API")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--base", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--rows", type=int, default=100000)
    p.add_argument("--chunk", type=int, default=10000)
    p = sub.add_parser("page-all")
    p.add_argument("--base", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--tid", required=True, type=int)
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--sort", default="Name")
    p = sub.add_parser("count")
    p.add_argument("--base", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--tid", required=True, type=int)
    args = parser.parse_args()
    try:
        {"setup": setup, "page-all": page_all, "count": count}[args.command](args)
    except (ApiError, KeyError, TypeError, OSError) as e:
        print(f"bench: {args.command} failed: {e!r}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
