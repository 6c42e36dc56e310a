"""Prints how many tokens the peer issued and how many codes it still holds, to check a run:
every 200 must have issued exactly one token and spent exactly one code."""
import sqlite3
import sys

database = sqlite3.connect(sys.argv[1])
tokens = database.execute("SELECT count(*) FROM token").fetchone()[0]
codes = database.execute("SELECT count(*) FROM code").fetchone()[0]
print(f"tokens={tokens} codes_left={codes}")
