"""How the embedded SQLite database is opened (config/settings/base.py uses these when DATABASE_URL is unset).

SQLite allows one writer at a time. Two things turn that into errors a person can produce with one browser
(an autosave while a page is saved, a double tap on "submit"), and both are settings:

- **Write-ahead log** (``journal_mode=WAL``): readers never wait for the writer, nor the writer for readers.
  ``synchronous=NORMAL`` is the setting WAL is designed for (no fsync per commit; durable at checkpoints,
  and never corrupt).
- **Transactions take the write lock when they begin** (``transaction_mode="IMMEDIATE"``). A default
  (deferred) transaction that reads and then writes must upgrade its lock; if another connection is
  writing, SQLite answers "database is locked" *at once*, without waiting, because waiting could deadlock.
  An immediate transaction waits for the lock instead (up to ``timeout`` seconds) and then runs alone, so
  concurrent requests are serialised rather than failed. Writes outside a transaction already waited.

Production uses PostgreSQL; none of this applies there.
"""

SQLITE_TIMEOUT_SECONDS = 20

SQLITE_OPTIONS = {
    "timeout": SQLITE_TIMEOUT_SECONDS,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
