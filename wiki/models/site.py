"""The wiki's generation: a number that moves on with every committed write that can change what a page shows.
Views cached by it (wiki/services/view_cache.py) can never outlive the data they were made of."""

from __future__ import annotations

from sqlalchemy import DDL, Integer, event
from sqlalchemy.orm import Mapped, mapped_column

from wiki.extensions import db


class Generation(db.Model):
    __tablename__ = "generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# The one row exists from the start, however the schema was made (a migration inserts it too).
event.listen(Generation.__table__, "after_create", DDL("INSERT INTO generations (id, value) VALUES (1, 0)"))
