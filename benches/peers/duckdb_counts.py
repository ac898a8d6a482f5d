"""Runs the reference rules as DuckDB SQL over a benchmark log and prints
`rule satisfied violated pending`, one line per rule, sorted by rule.

    python duckdb_counts.py LOG.jsonl|LOG.csv|LOG.parquet [--threads N]

The log is read with DuckDB's own readers into a table `ev` (with `pos`, the
event's position in the file), then `reference.sql` is run on it.
"""

import argparse
import pathlib
import sys

import duckdb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=pathlib.Path)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    sql = (pathlib.Path(__file__).parent / "reference.sql").read_text()
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    columns = (
        "{'time': 'TIMESTAMPTZ', 'type': 'VARCHAR', 'case': 'VARCHAR', 'customer': 'VARCHAR', "
        "'reason': 'VARCHAR', 'outage_minutes': 'BIGINT'}"
    )
    path = str(args.log).replace("'", "''")
    if args.log.suffix == ".parquet":
        source = (
            'SELECT "time"::TIMESTAMPTZ AS "time", "type", "case", customer, reason, '
            f"outage_minutes::BIGINT AS outage_minutes FROM read_parquet('{path}')"
        )
        source = f"({source})"
    elif args.log.suffix == ".csv":
        source = f"read_csv('{path}', header = true, columns = {columns})"
    else:
        source = f"read_json('{path}', format = 'newline_delimited', columns = {columns})"
    con.execute(f"CREATE TABLE ev AS SELECT row_number() OVER () AS pos, * FROM {source}")
    for rule, satisfied, violated, pending in con.execute(sql).fetchall():
        print(rule, satisfied, violated, pending)
    return 0


if __name__ == "__main__":
    sys.exit(main())
