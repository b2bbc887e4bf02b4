"""SQLite storage: the database is mirrorhunt's interface between stages."""

from db.connection import DatabaseError, open_db
from db.store import Store

__all__ = ["DatabaseError", "Store", "open_db"]
